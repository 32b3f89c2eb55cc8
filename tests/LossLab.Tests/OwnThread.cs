namespace LossLab.Tests;

/// <summary>Runs test code on a thread of its own, outside any task (where an intra-step split may happen).</summary>
internal static class OwnThread
{
    /// <summary>Runs <paramref name="work"/> on a new thread and returns its result, rethrowing what it throws.</summary>
    public static T OnOwnThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return result;
    }
}
