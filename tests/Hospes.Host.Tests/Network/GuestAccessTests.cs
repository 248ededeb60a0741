using System.Net;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Network;

namespace Hospes.Host.Tests.Network;

/// <summary>`hospes ssh` and the TCP relay: a running VM's first address, and the key hospesd made.</summary>
public sealed class GuestAccessTests
{
    [Fact]
    public async Task Ssh_GoesToTheFirstAddressOfARunningVm_AsRoot_WithHospesdsKey()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        using var state = new TempDir();
        var key = new SshKey(state.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(key.PrivatePath)!);
        File.WriteAllText(key.PrivatePath + ".pub", "ssh-ed25519 AAAA hospes\n");
        floor.Host.AddLink("br0");
        floor.Define("web", pid: 4242, vifs: [new VifSpec { Mac = "52:54:00:00:00:02", Bridge = "br0" }, new VifSpec { Mac = "52:54:00:00:00:03" }]);
        var guests = new GuestAccess(floor.Vms, key);

        Assert.Equal(new SshAccess("web", "10.254.0.2", "root", key.PrivatePath), guests.Ssh("web").Value);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.254.0.2"), 8080), guests.Endpoint("web", 8080).Value);
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
        var guests = new GuestAccess(floor.Vms, new SshKey(state.Path));

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
