using Hospes.Qemu.Launch;

namespace Hospes.Qemu.Tests.Launch;

public class ShellQuoteTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("-append", "-append")]
    [InlineData("quiet console=ttyS0", "'quiet console=ttyS0'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    public void Quote_LeavesSafeWordsAndQuotesTheRest(string word, string expected) => Assert.Equal(expected, ShellQuote.Quote(word));
}
