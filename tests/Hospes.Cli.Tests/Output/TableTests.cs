using Hospes.Cli.Output;

namespace Hospes.Cli.Tests.Output;

public sealed class TableTests
{
    [Fact]
    public void Columns_AreAsWideAsTheirWidestCell_NumbersRightAligned_NoTrailingBlanks()
    {
        var table = new Table(("Name", false), ("Size", true), ("Note", false));
        table.Add("a", "1", "");
        table.Add("longer", "1234", "x");

        Assert.Equal("Name    Size  Note\na          1\nlonger  1234  x\n", table.ToString());
    }

    [Fact]
    public void AnEmptyTable_IsItsHeader() => Assert.Equal("A  B\n", new Table(("A", false), ("B", true)).ToString());
}
