using LossLab.Lab;

namespace LossLab.Lab.Tests;

public sealed class TextNumberTests
{
    [Theory]
    [InlineData(47312.4, 3, "47300")]
    [InlineData(123456.7, 5, "123460")]
    [InlineData(-2.5e6, 4, "-2500000")]
    [InlineData(0.012345, 3, "0.0123")]
    [InlineData(1.5, 4, "1.5")]
    [InlineData(2.0, 4, "2")]
    [InlineData(0.0, 3, "0")]
    [InlineData(3.06e-7, 3, "3.06e-7")]
    [InlineData(2.5e20, 3, "2.5e+20")]
    [InlineData(9.9996, 4, "10")]
    public void Writes_significant_digits_without_an_E_exponent(double value, int digits, string expected)
        => Assert.Equal(expected, TextNumber.G(value, digits));

    [Fact]
    public void Non_finite_values_are_written_as_dotnet_does()
    {
        Assert.Equal(double.NaN.ToString(System.Globalization.CultureInfo.InvariantCulture), TextNumber.G(double.NaN, 3));
    }
}
