using Hospes.Core.Units;

namespace Hospes.Core.Tests.Units;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(512L, "512 B")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(8L << 30, "8 GiB")]
    public void Format_UsesBinaryUnits(long bytes, string text) => Assert.Equal(text, ByteSize.Format(bytes));
}
