using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Vms.Commands;

namespace Hospes.Host.Tests.Vms;

/// <summary>What the xl commands refuse before a VM's queue: unknown triggers and keys, drives a VM lacks, bad paths.</summary>
public sealed class XlCommandChecksTests
{
    private static VmRecord Record(BootMode boot, params DiskSpec[] disks) => new()
    {
        Spec = new VmSpec { Name = "web", Uuid = Guid.NewGuid(), Boot = boot, Disks = disks },
        State = VmState.Running,
    };

    [Theory]
    [InlineData("nmi", "inject-nmi")]
    [InlineData("reset", "system_reset")]
    [InlineData("power", "system_powerdown")]
    [InlineData("s3resume", "system_wakeup")]
    public void Trigger_MapsToItsQmpCommand(string trigger, string qmp) => Assert.Equal(qmp, TriggerCommand.Qmp(trigger).Value);

    [Theory]
    [InlineData("init", "trigger 'init' is not available here: QEMU has no way to send it; use nmi, reset, power or s3resume")]
    [InlineData("boom", "'boom' is not a trigger; use nmi, reset, power or s3resume")]
    public void Trigger_Unknown_IsRefusedWithTheList(string trigger, string message)
    {
        HospesError error = TriggerCommand.Qmp(trigger).Error!;
        Assert.Equal((ErrorCode.InvalidArgument, message), (error.Code, error.Message));
    }

    [Fact]
    public void Sysrq_OfAPvGuest_IsRefused_AndABadKeyToo()
    {
        Assert.Null(SysrqCommand.Check(Record(BootMode.Hvm), "h"));
        Assert.StartsWith("web has no keyboard", SysrqCommand.Check(Record(BootMode.Pv), "h")!.Message, StringComparison.Ordinal);
        Assert.StartsWith("sysrq: 'H' is not a SysRq key", SysrqCommand.Check(Record(BootMode.Hvm), "H")!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CdMedium_NamesTheDrivesThereAre()
    {
        VmRecord r = Record(BootMode.Hvm, new DiskSpec { Target = "", Vdev = "hdc", DeviceType = DiskDeviceType.Cdrom }, new DiskSpec { Target = "/srv/a.img", Vdev = "hda" });

        Assert.Null(CdMediumCommand.Check(r, "hdc", null));
        Assert.Equal("web has no CD-ROM drive hda; its CD-ROM drives: hdc", CdMediumCommand.Check(r, "hda", null)!.Message);
        Assert.StartsWith("cd-insert: 'x.iso' is not an absolute path", CdMediumCommand.Check(r, "hdc", "x.iso")!.Message, StringComparison.Ordinal);
        Assert.Equal("cd-insert: /nonexistent/x.iso does not exist (or is not a file) on this host", CdMediumCommand.Check(r, "hdc", "/nonexistent/x.iso")!.Message);
    }

    [Fact]
    public void DumpCore_RefusesARelativePath_AnExistingFile_AndAMissingFolder()
    {
        Assert.StartsWith("dump-core: 'core' is not an absolute path", DumpCoreCommand.CheckPath("core")!.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.Conflict, DumpCoreCommand.CheckPath("/")!.Code);
        Assert.StartsWith("dump-core: the folder of /nonexistent/dir/x.core does not exist", DumpCoreCommand.CheckPath("/nonexistent/dir/x.core")!.Message, StringComparison.Ordinal);
    }
}
