using Hospes.Core.Units;

namespace Hospes.Core.Tests.Units;

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
    public void Parse_ReadsSizesAsPeopleWriteThem(string text, long bytes) => Assert.Equal(bytes, ByteSize.Parse(text, "--size").Value);

    [Theory]
    [InlineData("8X")]
    [InlineData("")]
    [InlineData("G")]
    [InlineData("0")]
    [InlineData("-1G")]
    public void Parse_RefusesWhatIsNotASize_NamingTheOption(string text)
    {
        var r = ByteSize.Parse(text, "--size");

        Assert.False(r.IsOk);
        Assert.StartsWith($"--size '{text}'", r.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(512L, "512 B")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(8L << 30, "8 GiB")]
    public void Format_UsesBinaryUnits(long bytes, string text) => Assert.Equal(text, ByteSize.Format(bytes));
}
