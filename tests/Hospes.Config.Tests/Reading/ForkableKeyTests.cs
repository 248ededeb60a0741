using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests.Reading;

/// <summary>forkable = 1 (Hospes, issue 16): the RAM is a shared file that `hospes fork` can map into copies.</summary>
public sealed class ForkableKeyTests
{
    private static ConfigReadResult Read(string lines) => Configs.Read(Configs.Minimal + lines + "\n", Configs.Host(), path: "web.cfg");

    [Fact]
    public void Forkable_IsOffUnlessSet_AndWrittenBackWhenOn()
    {
        Assert.False(Read("").Spec!.Forkable);
        VmSpec spec = Read("forkable = 1").Spec!;
        Assert.True(spec.Forkable);
        Assert.Contains("forkable = 1", XenConfigWriter.Write(spec), StringComparison.Ordinal);
        Assert.DoesNotContain("forkable", XenConfigWriter.Write(spec with { Forkable = false }), StringComparison.Ordinal);
    }

    [Fact]
    public void Forkable_ThatIsNotABoolean_IsAnError() =>
        Assert.Contains("forkable: 'yes please' is not a boolean; write forkable = 1 or forkable = 0", Read("forkable = 'yes please'").Messages());
}
