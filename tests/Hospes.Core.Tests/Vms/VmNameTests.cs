using Hospes.Core.Vms;

namespace Hospes.Core.Tests.Vms;

public class VmNameTests
{
    [Theory]
    [InlineData("web")]
    [InlineData("SL4.7_001")]
    [InlineData("ce.ngc6475")]
    [InlineData("grid-75")]
    public void Validate_AcceptsNamesTheSeedsUse(string name) => Assert.Null(VmName.Validate(name));

    [Theory]
    [InlineData("", "the name is empty")]
    [InlineData("-web", "the name must start with a letter or digit")]
    [InlineData("web/1", "the name contains '/'; use letters, digits, '-', '_' and '.'")]
    [InlineData("web 1", "the name contains ' '; use letters, digits, '-', '_' and '.'")]
    public void Validate_SaysWhatIsWrong(string name, string expected) => Assert.Equal(expected, VmName.Validate(name));

    [Fact]
    public void Validate_RefusesOverlongNames() =>
        Assert.Equal("the name is 64 characters long; at most 63 are allowed", VmName.Validate(new string('a', 64)));
}
