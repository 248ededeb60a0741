namespace Hospes.Config.Tests;

public sealed class DiagnosticTests
{
    [Fact]
    public void ToString_WithPosition_LooksLikeACompilerMessage()
    {
        var diagnostic = new ConfigDiagnostic(
            DiagnosticSeverity.Error, "web.cfg", 7, 8, "'tap:aio:/x.img,sda7,w'", "disk 'tap:aio:/x.img,sda7,w': file /x.img does not exist");

        Assert.Equal("web.cfg:7:8: error: disk 'tap:aio:/x.img,sda7,w': file /x.img does not exist", diagnostic.ToString());
    }

    [Fact]
    public void ToString_ForTheWholeFile_LeavesThePositionOut()
    {
        var diagnostic = new ConfigDiagnostic(DiagnosticSeverity.Warning, "/etc/xen/web.cfg", 0, 0, "", "something");

        Assert.Equal("/etc/xen/web.cfg: warning: something", diagnostic.ToString());
    }

    [Fact]
    public void ToString_WithLineOnly_ShowsTheLine()
    {
        Assert.Equal("web.cfg:3: error: x", new ConfigDiagnostic(DiagnosticSeverity.Error, "web.cfg", 3, 0, "", "x").ToString());
    }

    [Fact]
    public void Read_RelativeFilePath_IsShownAsGivenAndResolvedForPaths()
    {
        string folder = Path.Combine(Path.GetTempPath(), "hospes-config-" + Guid.NewGuid().ToString("N"));
        string file = Path.Combine(folder, "web.cfg");
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, file);

        ConfigReadResult result = XenConfigReader.Read(
            new XenConfigSource("name = 'web'\nkernel = 'vmlinuz'\n", relative),
            new ConfigReadOptions { Host = new TestSupport.FakeHost() });

        ConfigDiagnostic missing = Assert.Single(result.Diagnostics);
        Assert.Equal(relative, missing.File);
        Assert.Equal(Path.Combine(folder, "vmlinuz"), result.Spec!.Kernel);
        Assert.Equal(file, result.Spec.SourcePath);
    }

    [Fact]
    public void HostFacts_OnThisMachine_SeeRealFilesAndCpus()
    {
        var host = new HostFacts();

        Assert.True(host.PathExists(typeof(HostFacts).Assembly.Location));
        Assert.True(host.PathExists(AppContext.BaseDirectory));
        Assert.False(host.PathExists("/definitely/not/here"));
        Assert.False(host.PciDeviceExists("ffff:ff:1f.7"));
        Assert.Equal(Environment.ProcessorCount, host.CpuCount);
    }
}
