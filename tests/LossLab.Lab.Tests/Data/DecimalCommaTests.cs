using System.Text.RegularExpressions;
using LossLab.Lab.Data;

namespace LossLab.Lab.Tests.Data;

/// <summary>The hand-written decimal-comma check of the converter matches the regular expression it replaces, ^[-+]?\d+,\d+$.</summary>
public sealed class DecimalCommaTests
{
    private static readonly Regex Pattern = new(@"^[-+]?\d+,\d+$", RegexOptions.CultureInvariant);

    [Theory]
    [InlineData("1,5")]
    [InlineData("-12,75")]
    [InlineData("+0,0")]
    [InlineData("1,5\n")]
    [InlineData("1,5\n\n")]
    [InlineData("\u0661,\u0665")]
    [InlineData("1,")]
    [InlineData(",5")]
    [InlineData("1,5,6")]
    [InlineData("1.5")]
    [InlineData("-,5")]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("1 ,5")]
    [InlineData("a1,5")]
    [InlineData("1,5a")]
    [InlineData("++1,5")]
    public void Matches_the_regular_expression(string cell)
        => Assert.Equal(Pattern.IsMatch(cell), TableConverter.IsDecimalComma(cell));

    [Fact]
    public void Matches_the_regular_expression_on_every_short_string_of_its_alphabet()
    {
        char[] alphabet = ['1', '-', '+', ',', '.', '\n', 'x'];
        var cell = new char[4];
        for (int length = 0; length <= 4; length++)
        {
            int total = (int)Math.Pow(alphabet.Length, length);
            for (int k = 0; k < total; k++)
            {
                int code = k;
                for (int i = 0; i < length; i++)
                {
                    cell[i] = alphabet[code % alphabet.Length];
                    code /= alphabet.Length;
                }

                string text = new(cell, 0, length);
                Assert.True(Pattern.IsMatch(text) == TableConverter.IsDecimalComma(text), text);
            }
        }
    }
}
