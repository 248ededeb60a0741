using Hospes.Config.Tests.TestSupport;

namespace Hospes.Config.Tests.Syntax;

/// <summary>Command-line overrides: "hospes create web.cfg memory=512 name=web2".</summary>
public sealed class OverrideTests
{
    private static ConfigReadResult Read(params string[] overrides) =>
        Configs.Read(Configs.Minimal + "memory = 256\n", new FakeHost { AllPathsExist = true }, path: "web.cfg", overrides: overrides);

    [Fact]
    public void Read_Overrides_ReplaceFileSettingsWithoutWarnings()
    {
        ConfigReadResult result = Read("memory=512", "name=web2");

        Assert.Empty(result.Diagnostics);
        Assert.Equal((512, "web2"), (result.Spec!.MemoryMib, result.Spec.Name));
    }

    [Fact]
    public void Read_OverrideThatIsNoLiteral_IsABareString()
    {
        ConfigReadResult result = Read("extra=console=hvc0 root=/dev/vda", "kernel=/boot/vmlinuz");

        Assert.Empty(result.Diagnostics);
        Assert.Equal("console=hvc0 root=/dev/vda", result.Spec!.KernelCmdline);
    }

    [Fact]
    public void Read_OverrideLiterals_AreParsedLikeConfigLines()
    {
        ConfigReadResult result = Read("disk=[ '/images/a.img,raw,xvda,w', 'file:/images/b.img,xvdb,r' ]", "vcpus=0x2", "extra='a b'");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["xvda", "xvdb"], result.Spec!.Disks.Select(d => d.Vdev));
        Assert.Equal(2, result.Spec.Vcpus);
        Assert.Equal("a b", result.Spec.KernelCmdline);
    }

    [Fact]
    public void Read_BadOverrideValue_IsReportedAtItsIndexAndColumn()
    {
        ConfigReadResult result = Read("name=web2", "memory=lots");

        ConfigDiagnostic error = Assert.Single(result.Diagnostics);
        Assert.Equal(("<command line>", 2, 8, "lots"), (error.File, error.Line, error.Column, error.Text));
        Assert.Equal("<command line>:2:8: error: memory: 'lots' is not a number of MiB; write e.g. memory = 512", error.ToString());
    }

    [Fact]
    public void Read_OverrideWithoutEquals_IsAnError()
    {
        ConfigReadResult result = Read("memory=512", "bogus");

        Assert.Null(result.Spec);
        Assert.Equal(["<command line>:2:1: error: override 'bogus' is not key=value; write e.g. memory=512"], result.Errors());
    }

    [Fact]
    public void Read_OverrideWithBadKey_IsAnError()
    {
        ConfigReadResult result = Read("1st=3");

        Assert.Equal(["<command line>:1:1: error: override '1st=3': '1st' is not a key name; keys are letters, digits and '_', e.g. memory=512"], result.Errors());
    }

    [Fact]
    public void Read_OverrideStartingAList_ReportsWhyItDoesNotParse()
    {
        ConfigReadResult result = Read("disk=['/images/a.img,raw,xvda,w'");

        Assert.Equal(["<command line>:1:6: error: disk: the list opened here is not closed; add ']' after its last entry"], result.Errors());
    }

    [Fact]
    public void Read_SameKeyOverriddenTwice_WarnsAndUsesTheLast()
    {
        ConfigReadResult result = Read("memory=512", "memory=1024");

        Assert.Equal(1024, result.Spec!.MemoryMib);
        Assert.Equal(["<command line>:2:1: warning: memory is set twice (first on line 1); this later value is used"], result.Warnings());
    }

    [Fact]
    public void Read_ProblemsInFileAndOverrides_AreListedFileFirst()
    {
        ConfigReadResult result = Configs.Read("name = 'web'\nmemory = 8\n", Configs.Host(), path: "web.cfg", overrides: ["vcpus=none", "kernel=/boot/vmlinuz"]);

        Assert.Equal(
        [
            "web.cfg:2:10: error: memory: 8 MiB is too little; a guest needs at least 16 MiB, e.g. memory = 512",
            "<command line>:1:7: error: vcpus: 'none' is not a number of virtual CPUs; write e.g. vcpus = 2",
        ],
            result.Errors());
    }
}
