using System.Text.Json;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Json;
using Hospes.Core.Vms;
using Hospes.Host.Edge;
using Wire = Hospes.Contracts.Vms;

namespace Hospes.Host.Tests.Edge;

/// <summary>The wire's VM shape is its own type: its JSON must stay the JSON the domain's VmSpec had on the wire.</summary>
public sealed class WireSpecTests
{
    /// <summary>Every field away from its default, and each enum at a value other than its first.</summary>
    private static readonly VmSpec Full = new()
    {
        Name = "web",
        Uuid = Guid.Parse("9b2c1f3e-8d4a-4e6b-a1c2-3d4e5f607182"),
        MemoryMib = 512,
        MaxMemoryMib = 1024,
        Vcpus = 2,
        MaxVcpus = 4,
        CpuAffinity = "0-1,3",
        Boot = BootMode.Hvm,
        Kernel = "/boot/vmlinuz",
        Ramdisk = "image:tiny",
        KernelCmdline = "root=/dev/xvda1 console=hvc0",
        Disks =
        [
            new DiskSpec { Target = "/var/lib/web.qcow2", Format = "qcow2", Vdev = "xvda", Source = "file:/var/lib/web.qcow2,xvda,w" },
            new DiskSpec { Target = "", Vdev = "hdc", ReadOnly = true, DeviceType = DiskDeviceType.Cdrom },
        ],
        Vifs = [new VifSpec { Mac = "00:16:3e:01:02:03", Ip = "10.0.0.5", Bridge = "lab0", Model = "e1000", VifName = "web0", Source = "bridge=lab0" }],
        PciDevices = ["0000:03:00.0"],
        OnPoweroff = LifecycleAction.Preserve,
        OnReboot = LifecycleAction.RenameRestart,
        OnCrash = LifecycleAction.Restart,
        CpuWeight = 256,
        CpuCap = 50,
        Bootloader = "pygrub",
        Accel = Accelerator.Tcg,
        Machine = "q35",
        BootOrder = "dc",
        SourcePath = "/etc/xen/web.cfg",
    };

    [Fact]
    public void AFullSpec_SerializesAsTheDomainSpecDid() =>
        Assert.Equal(JsonSerializer.Serialize(Full, HospesJson.Options), JsonSerializer.Serialize(WireSpec.ToWire(Full), WireJson.Options));

    [Fact]
    public void ASpecOfDefaults_SerializesAsTheDomainSpecDid()
    {
        var spec = new VmSpec { Name = "tiny", Disks = [new DiskSpec { Target = "/d", Vdev = "xvda" }], Vifs = [new VifSpec()] };

        Assert.Equal(JsonSerializer.Serialize(spec, HospesJson.Options), JsonSerializer.Serialize(WireSpec.ToWire(spec), WireJson.Options));
    }

    [Fact]
    public void WhatTheDomainWrote_ReadsBackIntoTheSameSpec()
    {
        string domainJson = JsonSerializer.Serialize(Full, HospesJson.Options);

        Wire.VmSpecDto read = JsonSerializer.Deserialize<Wire.VmSpecDto>(domainJson, WireJson.Options)!;

        Assert.Equal(domainJson, JsonSerializer.Serialize(WireSpec.ToDomain(read), HospesJson.Options));
    }

    [Fact]
    public void EveryEnum_HasTheSameMembersOnTheWire()
    {
        // Unknown is the wire's only: a cluster-wide list says so of a VM whose host is down; no host has a VM in it.
        Assert.Equal(Enum.GetNames<VmState>(), Enum.GetNames<Wire.VmState>().Where(n => n != nameof(Wire.VmState.Unknown)));
        Assert.Equal(Enum.GetNames<BootMode>(), Enum.GetNames<Wire.BootMode>());
        Assert.Equal(Enum.GetNames<LifecycleAction>(), Enum.GetNames<Wire.LifecycleAction>());
        Assert.Equal(Enum.GetNames<Accelerator>(), Enum.GetNames<Wire.Accelerator>());
        Assert.Equal(Enum.GetNames<DiskDeviceType>(), Enum.GetNames<Wire.DiskDeviceType>());
    }

    [Fact]
    public void EveryEnumValue_MapsToItsNamesake_BothWays()
    {
        Assert.All(Enum.GetValues<VmState>(), v => Assert.Equal(v.ToString(), WireSpec.ToWire(v).ToString()));
        Assert.All(Enum.GetValues<BootMode>(), v => Assert.Equal(v, WireSpec.ToDomain(WireSpec.ToWire(v))));
        Assert.All(Enum.GetValues<LifecycleAction>(), v => Assert.Equal(v, WireSpec.ToDomain(WireSpec.ToWire(v))));
        Assert.All(Enum.GetValues<Accelerator>(), v => Assert.Equal(v, WireSpec.ToDomain(WireSpec.ToWire(v))));
        Assert.All(Enum.GetValues<DiskDeviceType>(), v => Assert.Equal(v, WireSpec.ToDomain(WireSpec.ToWire(v))));
        Assert.All(Enum.GetValues<BootMode>(), v => Assert.Equal(v.ToString(), WireSpec.ToWire(v).ToString()));
    }

    [Theory]
    [InlineData(ErrorCode.InvalidArgument, "invalid_argument")]
    [InlineData(ErrorCode.NotFound, "not_found")]
    [InlineData(ErrorCode.Conflict, "conflict")]
    [InlineData(ErrorCode.InvalidState, "invalid_state")]
    [InlineData(ErrorCode.Unavailable, "unavailable")]
    [InlineData(ErrorCode.Timeout, "timeout")]
    [InlineData(ErrorCode.Internal, "internal")]
    [InlineData(ErrorCode.Unauthenticated, "unauthenticated")]
    [InlineData(ErrorCode.Forbidden, "forbidden")]
    [InlineData(ErrorCode.TooManyRequests, "too_many_requests")]
    public void EveryErrorKind_HasItsWireCode_BothWays(ErrorCode code, string wire)
    {
        Assert.Equal(wire, WireSpec.ToWire(code));
        Assert.Equal(code, WireSpec.ToErrorCode(wire));
    }

    [Theory]
    [InlineData("something_new")]
    [InlineData(null)]
    public void AWireCodeWithoutAKind_IsInternal(string? wire) => Assert.Equal(ErrorCode.Internal, WireSpec.ToErrorCode(wire));
}
