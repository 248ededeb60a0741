using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Wire = Hospes.Contracts.Vms;

namespace Hospes.Host.Edge;

/// <summary>
/// Domain to wire and back: the VM's shape (VmSpec and its parts, VmState) and the error codes. The wire's types are
/// its own, so every field is copied here by name; a test serializes both sides and compares.
/// </summary>
public static class WireSpec
{
    /// <summary>The wire's code for an error kind (<see cref="ErrorCodes"/>).</summary>
    public static string ToWire(ErrorCode code) => code switch
    {
        ErrorCode.InvalidArgument => ErrorCodes.InvalidArgument,
        ErrorCode.NotFound => ErrorCodes.NotFound,
        ErrorCode.Conflict => ErrorCodes.Conflict,
        ErrorCode.InvalidState => ErrorCodes.InvalidState,
        ErrorCode.Unavailable => ErrorCodes.Unavailable,
        ErrorCode.Timeout => ErrorCodes.Timeout,
        ErrorCode.Unauthenticated => ErrorCodes.Unauthenticated,
        ErrorCode.Forbidden => ErrorCodes.Forbidden,
        ErrorCode.TooManyRequests => ErrorCodes.TooManyRequests,
        _ => ErrorCodes.Internal,
    };

    /// <summary>The error kind of a wire code; unknown codes are internal.</summary>
    public static ErrorCode ToErrorCode(string? code) => code switch
    {
        ErrorCodes.InvalidArgument => ErrorCode.InvalidArgument,
        ErrorCodes.NotFound => ErrorCode.NotFound,
        ErrorCodes.Conflict => ErrorCode.Conflict,
        ErrorCodes.InvalidState => ErrorCode.InvalidState,
        ErrorCodes.Unavailable => ErrorCode.Unavailable,
        ErrorCodes.Timeout => ErrorCode.Timeout,
        ErrorCodes.Unauthenticated => ErrorCode.Unauthenticated,
        ErrorCodes.Forbidden => ErrorCode.Forbidden,
        ErrorCodes.TooManyRequests => ErrorCode.TooManyRequests,
        _ => ErrorCode.Internal,
    };

    internal static Wire.VmSpecDto ToWire(VmSpec spec) => new()
    {
        Name = spec.Name,
        Uuid = spec.Uuid,
        MemoryMib = spec.MemoryMib,
        MaxMemoryMib = spec.MaxMemoryMib,
        Vcpus = spec.Vcpus,
        MaxVcpus = spec.MaxVcpus,
        CpuAffinity = spec.CpuAffinity,
        Boot = ToWire(spec.Boot),
        Kernel = spec.Kernel,
        Ramdisk = spec.Ramdisk,
        KernelCmdline = spec.KernelCmdline,
        Disks = [.. spec.Disks.Select(ToWire)],
        Vifs = [.. spec.Vifs.Select(ToWire)],
        PciDevices = spec.PciDevices,
        OnPoweroff = ToWire(spec.OnPoweroff),
        OnReboot = ToWire(spec.OnReboot),
        OnCrash = ToWire(spec.OnCrash),
        CpuWeight = spec.CpuWeight,
        CpuCap = spec.CpuCap,
        Bootloader = spec.Bootloader,
        Accel = ToWire(spec.Accel),
        Machine = spec.Machine,
        BootOrder = spec.BootOrder,
        Firmware = spec.Firmware,
        LocalTime = spec.LocalTime,
        Acpi = spec.Acpi,
        Apic = spec.Apic,
        Hpet = spec.Hpet,
        Forkable = spec.Forkable,
        Ha = spec.Ha,
        Usb = spec.Usb,
        UsbDevices = [.. spec.UsbDevices],
        SoundHw = spec.SoundHw,
        Vga = spec.Vga,
        Vnc = spec.Vnc,
        SourcePath = spec.SourcePath,
    };

    internal static VmSpec ToDomain(Wire.VmSpecDto spec) => new()
    {
        Name = spec.Name,
        Uuid = spec.Uuid,
        MemoryMib = spec.MemoryMib,
        MaxMemoryMib = spec.MaxMemoryMib,
        Vcpus = spec.Vcpus,
        MaxVcpus = spec.MaxVcpus,
        CpuAffinity = spec.CpuAffinity,
        Boot = ToDomain(spec.Boot),
        Kernel = spec.Kernel,
        Ramdisk = spec.Ramdisk,
        KernelCmdline = spec.KernelCmdline,
        Disks = [.. spec.Disks.Select(ToDomain)],
        Vifs = [.. spec.Vifs.Select(ToDomain)],
        PciDevices = spec.PciDevices,
        OnPoweroff = ToDomain(spec.OnPoweroff),
        OnReboot = ToDomain(spec.OnReboot),
        OnCrash = ToDomain(spec.OnCrash),
        CpuWeight = spec.CpuWeight,
        CpuCap = spec.CpuCap,
        Bootloader = spec.Bootloader,
        Accel = ToDomain(spec.Accel),
        Machine = spec.Machine,
        BootOrder = spec.BootOrder,
        Firmware = spec.Firmware,
        LocalTime = spec.LocalTime,
        Acpi = spec.Acpi,
        Apic = spec.Apic,
        Hpet = spec.Hpet,
        Forkable = spec.Forkable,
        Ha = spec.Ha,
        Usb = spec.Usb,
        UsbDevices = [.. spec.UsbDevices],
        SoundHw = spec.SoundHw,
        Vga = spec.Vga,
        Vnc = spec.Vnc,
        SourcePath = spec.SourcePath,
    };

    internal static Wire.DiskSpecDto ToWire(DiskSpec d) => new()
    {
        Target = d.Target,
        Format = d.Format,
        Vdev = d.Vdev,
        ReadOnly = d.ReadOnly,
        DeviceType = ToWire(d.DeviceType),
        Source = d.Source,
    };

    internal static DiskSpec ToDomain(Wire.DiskSpecDto d) => new()
    {
        Target = d.Target,
        Format = d.Format,
        Vdev = d.Vdev,
        ReadOnly = d.ReadOnly,
        DeviceType = ToDomain(d.DeviceType),
        Source = d.Source,
    };

    internal static Wire.VifSpecDto ToWire(VifSpec v) => new() { Mac = v.Mac, Ip = v.Ip, Bridge = v.Bridge, Model = v.Model, VifName = v.VifName, Source = v.Source };

    internal static VifSpec ToDomain(Wire.VifSpecDto v) => new() { Mac = v.Mac, Ip = v.Ip, Bridge = v.Bridge, Model = v.Model, VifName = v.VifName, Source = v.Source };

    internal static Wire.DiskDeviceType ToWire(DiskDeviceType type) => type switch
    {
        DiskDeviceType.Disk => Wire.DiskDeviceType.Disk,
        DiskDeviceType.Cdrom => Wire.DiskDeviceType.Cdrom,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    internal static DiskDeviceType ToDomain(Wire.DiskDeviceType type) => type switch
    {
        Wire.DiskDeviceType.Disk => DiskDeviceType.Disk,
        Wire.DiskDeviceType.Cdrom => DiskDeviceType.Cdrom,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    internal static Wire.VmState ToWire(VmState state) => state switch
    {
        VmState.Shutoff => Wire.VmState.Shutoff,
        VmState.Running => Wire.VmState.Running,
        VmState.Paused => Wire.VmState.Paused,
        VmState.Preserved => Wire.VmState.Preserved,
        VmState.Crashed => Wire.VmState.Crashed,
        VmState.Saved => Wire.VmState.Saved,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    internal static Wire.BootMode ToWire(BootMode boot) => boot switch
    {
        BootMode.Pv => Wire.BootMode.Pv,
        BootMode.Pvh => Wire.BootMode.Pvh,
        BootMode.Hvm => Wire.BootMode.Hvm,
        _ => throw new ArgumentOutOfRangeException(nameof(boot), boot, null),
    };

    internal static BootMode ToDomain(Wire.BootMode boot) => boot switch
    {
        Wire.BootMode.Pv => BootMode.Pv,
        Wire.BootMode.Pvh => BootMode.Pvh,
        Wire.BootMode.Hvm => BootMode.Hvm,
        _ => throw new ArgumentOutOfRangeException(nameof(boot), boot, null),
    };

    internal static Wire.LifecycleAction ToWire(LifecycleAction action) => action switch
    {
        LifecycleAction.Destroy => Wire.LifecycleAction.Destroy,
        LifecycleAction.Restart => Wire.LifecycleAction.Restart,
        LifecycleAction.Preserve => Wire.LifecycleAction.Preserve,
        LifecycleAction.RenameRestart => Wire.LifecycleAction.RenameRestart,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    internal static LifecycleAction ToDomain(Wire.LifecycleAction action) => action switch
    {
        Wire.LifecycleAction.Destroy => LifecycleAction.Destroy,
        Wire.LifecycleAction.Restart => LifecycleAction.Restart,
        Wire.LifecycleAction.Preserve => LifecycleAction.Preserve,
        Wire.LifecycleAction.RenameRestart => LifecycleAction.RenameRestart,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    internal static Wire.Accelerator ToWire(Accelerator accel) => accel switch
    {
        Accelerator.Auto => Wire.Accelerator.Auto,
        Accelerator.Kvm => Wire.Accelerator.Kvm,
        Accelerator.Tcg => Wire.Accelerator.Tcg,
        _ => throw new ArgumentOutOfRangeException(nameof(accel), accel, null),
    };

    internal static Accelerator ToDomain(Wire.Accelerator accel) => accel switch
    {
        Wire.Accelerator.Auto => Accelerator.Auto,
        Wire.Accelerator.Kvm => Accelerator.Kvm,
        Wire.Accelerator.Tcg => Accelerator.Tcg,
        _ => throw new ArgumentOutOfRangeException(nameof(accel), accel, null),
    };
}
