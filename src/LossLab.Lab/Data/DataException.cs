namespace LossLab.Lab.Data;

/// <summary>
/// Input data that cannot be used, with where (file, line, column) and how to fix it in the message.
/// Reported by the command line as a one-line error with exit code 1.
/// </summary>
public sealed class DataException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DataException()
    {
    }

    /// <summary>Creates the exception with a message that says what, where and how to fix it.</summary>
    public DataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public DataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
