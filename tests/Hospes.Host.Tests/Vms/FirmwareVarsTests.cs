using Hospes.Core.Vms;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Vms;

/// <summary>A bios = 'ovmf' guest gets its own UEFI variable store, from its definition on, and QEMU its two flash chips.</summary>
public sealed class FirmwareVarsTests
{
    [Fact]
    public async Task OvmfGuest_HasItsOwnVarsCopyFromItsDefinition_AndQemuGetsBothFlashChips()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.DefineAsync(floor.Spec("uefi", s => s with { Boot = BootMode.Hvm, Firmware = SpecRules.Ovmf }));

        string vars = Path.Combine(floor.Layout.VmDir(vm.Record.Uuid), "OVMF_VARS.fd");
        Assert.Equal(File.ReadAllBytes("/usr/share/OVMF/OVMF_VARS.fd"), File.ReadAllBytes(vars));

        // The guest's own writes survive a restart: the copy is never replaced once made.
        File.WriteAllBytes(vars, [1, 2, 3]);
        Assert.True((await vm.RunAsync(floor.Commands.Start())).IsOk);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(vars));
        string line = string.Join(' ', floor.Qemu.Launched[^1]);
        Assert.Contains("pflash0=fw-code,pflash1=fw-vars", line, StringComparison.Ordinal);
        Assert.Contains($"\"filename\":\"{vars}\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeabiosGuest_HasNoVarsFile()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.DefineAsync(floor.Spec("bios", s => s with { Boot = BootMode.Hvm }));

        Assert.False(File.Exists(Path.Combine(floor.Layout.VmDir(vm.Record.Uuid), "OVMF_VARS.fd")));
    }
}
