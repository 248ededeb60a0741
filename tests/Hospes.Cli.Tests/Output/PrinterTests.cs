using Hospes.Cli.Output;

namespace Hospes.Cli.Tests.Output;

public sealed class PrinterTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData(1.25, "1.3")]
    [InlineData(true, "yes")]
    [InlineData(false, "no")]
    [InlineData(1234567, "1234567")]
    [InlineData("text", "text")]
    public void Format_WritesValuesForPeople(object? value, string text) => Assert.Equal(text, Printer.Format(value));
}
