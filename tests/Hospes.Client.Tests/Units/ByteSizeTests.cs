using Hospes.Client.Units;

namespace Hospes.Client.Tests.Units;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("8G", 8L << 30)]
    [InlineData("512M", 512L << 20)]
    [InlineData("4GiB", 4L << 30)]
    [InlineData("1.5G", 3L << 29)]
    [InlineData("64k", 64L << 10)]
    [InlineData("1048576", 1L << 20)]
    [InlineData(" 2T ", 2L << 40)]
    public void TryParse_ReadsSizesAsPeopleWriteThem(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, "--size", out long parsed, out string? error), error);
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("8X", "is not a size; write it as bytes or with K, M, G or T (e.g. 8G, 512M)")]
    [InlineData("", "is not a size")]
    [InlineData("G", "is not a size")]
    [InlineData("0", "is out of range; give a size above zero, e.g. 8G")]
    [InlineData("-1G", "is not a size")]
    public void TryParse_RefusesWhatIsNotASize_NamingTheOption(string text, string problem)
    {
        Assert.False(ByteSize.TryParse(text, "--size", out _, out string? error));
        Assert.StartsWith($"--size '{text}' {problem}", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(512L, "512 B")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(8L << 30, "8 GiB")]
    public void Format_UsesBinaryUnits(long bytes, string text) => Assert.Equal(text, ByteSize.Format(bytes));
}
