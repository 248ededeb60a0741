using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests.Reading;

/// <summary>ha = 1 (Hospes, issue 17): the cluster starts the VM on another host when its host dies.</summary>
public sealed class HaKeyTests
{
    private static ConfigReadResult Read(string lines) => Configs.Read(Configs.Minimal + lines + "\n", Configs.Host(), path: "web.cfg");

    [Fact]
    public void Ha_IsOffUnlessSet_AndWrittenBackWhenOn()
    {
        Assert.False(Read("").Spec!.Ha);
        VmSpec spec = Read("ha = 1").Spec!;
        Assert.True(spec.Ha);
        Assert.Contains("ha = 1", XenConfigWriter.Write(spec), StringComparison.Ordinal);
        Assert.DoesNotContain("ha =", XenConfigWriter.Write(spec with { Ha = false }), StringComparison.Ordinal);
    }

    [Fact]
    public void Ha_ThatIsNotABoolean_IsAnError() =>
        Assert.Contains("ha: 'maybe' is not a boolean; write ha = 1 or ha = 0", Read("ha = 'maybe'").Messages());
}
