using System.Net;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Network;
using Hospes.Host.Settings;

namespace Hospes.Host.Tests.Network;

/// <summary>`hospes ssh` and the TCP relay: a running VM's first address, and the key hospesd made.</summary>
public sealed class GuestAccessTests
{
    [Fact]
    public async Task Ssh_GoesToTheFirstAddressOfARunningVm_AsRoot_WithHospesdsKey_ExpectingTheHostKeyHospesdMadeForIt()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        using var state = new TempDir();
        var key = new SshKey(state.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(key.PrivatePath)!);
        File.WriteAllText(key.PrivatePath + ".pub", "ssh-ed25519 AAAA hospes\n");
        floor.Host.AddLink("br0");
        VmSpec web = floor.Define("web", pid: 4242, vifs: [new VifSpec { Mac = "52:54:00:00:00:02", Bridge = "br0" }, new VifSpec { Mac = "52:54:00:00:00:03" }]).Record.Spec;
        var hostKeys = new GuestHostKeys(new VmLayout(new HostOptions { StateDir = state.Path }));
        GuestHostKey hostKey = (await hostKeys.EnsureAsync(web.Uuid, CancellationToken.None)).Value;
        var guests = new GuestAccess(floor.Vms, key, hostKeys);

        SshAccess access = guests.Ssh("web").Value;
        Assert.Equal(("web", "10.254.0.2", "root", hostKey.PublicLine), (access.Vm, access.Ip, access.User, access.HostKey));
        Assert.Equal([key.PrivatePath], access.KeyPaths);
        Assert.StartsWith("ssh-ed25519 AAAA", hostKey.PublicLine, StringComparison.Ordinal);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.254.0.2"), 8080), guests.Endpoint("web", 8080).Value);
    }

    [Fact]
    public async Task Ssh_OffersEveryKeyOfThisHost_TheClustersFirst_ThenItsOwnFromBeforeTheJoin()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        using var state = new TempDir();
        var key = new SshKey(state.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(key.PrivatePath)!);
        foreach (string path in new[] { key.PrivatePath, key.PrivatePath + ".host", key.PrivatePath + ".host-2" })
        {
            File.WriteAllText(path, "private");
            File.WriteAllText(path + ".pub", "ssh-ed25519 AAAA hospes\n");
        }

        VmSpec web = floor.Define("web", pid: 4242, vifs: new VifSpec { Mac = "52:54:00:00:00:02" }).Record.Spec;
        var hostKeys = new GuestHostKeys(new VmLayout(new HostOptions { StateDir = state.Path }));
        await hostKeys.EnsureAsync(web.Uuid, CancellationToken.None);
        var guests = new GuestAccess(floor.Vms, key, hostKeys);

        Assert.Equal([key.PrivatePath, key.PrivatePath + ".host", key.PrivatePath + ".host-2"], guests.Ssh("web").Value.KeyPaths);
    }

    [Fact]
    public async Task Ssh_ToAGuestWithoutAHostKeyFromHospes_IsRefused_SayingWhyAndWhatToDo()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        using var state = new TempDir();
        var key = new SshKey(state.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(key.PrivatePath)!);
        File.WriteAllText(key.PrivatePath + ".pub", "ssh-ed25519 AAAA hospes\n");
        floor.Define("web", pid: 4242, vifs: new VifSpec { Mac = "52:54:00:00:00:02" });
        var guests = new GuestAccess(floor.Vms, key, new GuestHostKeys(new VmLayout(new HostOptions { StateDir = state.Path })));

        HospesError refused = guests.Ssh("web").Error!;

        Assert.Equal(ErrorCode.InvalidState, refused.Code);
        Assert.StartsWith("web has no SSH host key from Hospes, so `hospes ssh` cannot tell it from another machine at 10.254.0.2", refused.Message, StringComparison.Ordinal);
        Assert.Contains("`hospes shutdown web`, then `hospes start web`", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ssh_IsRefused_WithWhatToDo_WhenTheVmIsDown_HasNoAddress_OrHospesdHasNoKey()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        using var state = new TempDir();
        floor.Host.AddLink("br0");
        floor.Define("down", vifs: new VifSpec { Mac = "52:54:00:00:00:02" });
        floor.Define("bare", pid: 4242, vifs: new VifSpec { Mac = "52:54:00:00:00:03", Bridge = "br0" });
        floor.Define("web", pid: 4243, vifs: new VifSpec { Mac = "52:54:00:00:00:04" });
        var guests = new GuestAccess(floor.Vms, new SshKey(state.Path), new GuestHostKeys(new VmLayout(new HostOptions { StateDir = state.Path })));

        Assert.Equal("down is not running; start it first (`hospes start down`)", guests.Ssh("down").Error!.Message);
        Assert.Equal(
            "bare has no interface with an address Hospes knows; give it a vif on a Hospes network (e.g. vif = [ '' ])",
            guests.Ssh("bare").Error!.Message);
        HospesError noKey = guests.Ssh("web").Error!;
        Assert.Equal((ErrorCode.Unavailable, "hospesd has no ssh key (ssh-keygen failed at start, see its log); install openssh-client and restart hospesd"), (noKey.Code, noKey.Message));
        Assert.Equal("port 0 is not a port; use 1-65535", guests.Endpoint("web", 0).Error!.Message);
        Assert.Equal(ErrorCode.NotFound, guests.Endpoint("nope", 22).Error!.Code);
    }
}
