using Hospes.Storage.CloudInit;

namespace Hospes.Storage.Tests.CloudInit;

public sealed class NoCloudGuestAgentTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void InstallInto_WritesExecutableScriptAndEnablesBothUnits()
    {
        NoCloudGuestAgent.InstallInto(_dir.Path);

        string script = _dir.Combine("usr", "local", "sbin", "hospes-nocloud");
        Assert.StartsWith("#!/bin/sh\n", File.ReadAllText(script), StringComparison.Ordinal);
        Assert.True(File.GetUnixFileMode(script).HasFlag(UnixFileMode.OtherExecute));
        string units = _dir.Combine("etc", "systemd", "system");
        Assert.Equal(
            "/etc/systemd/system/hospes-nocloud.service",
            new FileInfo(Path.Combine(units, "sysinit.target.wants", "hospes-nocloud.service")).LinkTarget);
        Assert.Equal(
            "/etc/systemd/system/hospes-ssh-hostkeys.service",
            new FileInfo(Path.Combine(units, "multi-user.target.wants", "hospes-ssh-hostkeys.service")).LinkTarget);
        Assert.Contains("Before=sysinit.target", File.ReadAllText(Path.Combine(units, "hospes-nocloud.service")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Script_IsValidPosixShell()
    {
        NoCloudGuestAgent.InstallInto(_dir.Path);

        // dash is the guest's /bin/sh; -n parses without running.
        await Hospes.Storage.Tests.Tiny.Support.Tool.RunAsync("dash", "-n", _dir.Combine("usr", "local", "sbin", "hospes-nocloud"));
    }

    public void Dispose() => _dir.Dispose();
}
