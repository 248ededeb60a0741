using Hospes.Core.Vms;
using Hospes.Qemu.CommandLine;

namespace Hospes.Qemu.Tests.CommandLine;

/// <summary>
/// Values from a spec (a config file, a peer's offer, a save file's header) end up inside QEMU's `key=value,...` options.
/// Whatever they hold, each stays one value of its own key: no comma in them opens another key (review finding #2d).
/// </summary>
public class HostileValueTests
{
    private static readonly VmRuntimePaths Paths = new()
    {
        QmpSocket = "/run/hospes/a.qmp",
        ConsoleSocket = "/run/hospes/a.console",
        ConsoleLog = "/var/lib/hospes/vms/a/console.log",
        PidFile = "/run/hospes/a.pid",
        QemuLog = "/var/lib/hospes/vms/a/qemu.log",
        QmpLog = "/var/lib/hospes/vms/a/qmp.log",
    };

    private static readonly VmSpec Guest = new()
    {
        Name = "web",
        Uuid = Guid.Parse("11111111-2222-3333-4444-555555555555"),
        Kernel = "/boot/vmlinuz",
        Disks = [new DiskSpec { Target = "/srv/web.qcow2", Format = "qcow2", Vdev = "xvda" }],
        Vifs = [new VifSpec { Mac = "52:54:00:00:00:01" }],
    };

    public static TheoryData<string, VmSpec, string, string, string> Hostile => new()
    {
        // what, spec, option, implied key's value (finds the option), key that must hold the whole hostile value
        { "mac", Guest with { Vifs = [new VifSpec { Mac = "52:54:00:00:00:01,romfile=/etc/shadow" }] }, "-device", "virtio-net-device", "mac" },
        { "nic model", Guest with { Machine = "q35", Vifs = [new VifSpec { Model = "e1000,romfile=/etc/shadow", Mac = "52:54:00:00:00:01" }] }, "-device", "e1000,romfile=/etc/shadow", "" },
        { "vdev", Guest with { Disks = [new DiskSpec { Target = "/srv/web.qcow2", Format = "qcow2", Vdev = "xvda,drive=drive9,serial=x" }] }, "-device", "virtio-blk-device", "id" },
        { "name", Guest with { Name = "web,process=evil,debug-threads=off" }, "-name", "", "guest" },
        { "boot order", Guest with { Boot = BootMode.Hvm, Kernel = null, BootOrder = "dc,menu=on,splash=/etc/shadow" }, "-boot", "", "order" },
        { "pci device", Guest with { PciDevices = ["0000:06:02.0,romfile=/etc/shadow"] }, "-device", "vfio-pci", "host" },
        { "machine", Guest with { Machine = "q35,memory-backend=evil" }, "-machine", "q35,memory-backend=evil", "" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void AHostileValue_StaysOneValueOfItsOwnKey(string what, VmSpec spec, string option, string implied, string key)
    {
        IReadOnlyList<string> args = QemuCommandLineBuilder.Build(new QemuLaunchSpec { Spec = spec, Paths = Paths, Accel = Accelerator.Tcg }).Value;

        List<IReadOnlyList<KeyValuePair<string, string>>> options = [.. Values(args, option).Select(QemuOpts.Split)];
        IReadOnlyList<KeyValuePair<string, string>> found = Assert.Single(
            options, o => implied.Length == 0 ? o.Any(kv => kv.Key == key) : o[0].Key == "" && o[0].Value == implied);

        string hostile = HostileValueOf(what, spec);
        Assert.Contains(found, kv => kv.Key == key && kv.Value.EndsWith(hostile, StringComparison.Ordinal));
        Assert.DoesNotContain(found, kv => kv.Key is "romfile" or "process" or "menu" or "splash" or "serial" or "memory-backend" || (kv.Key == "drive" && kv.Value == "drive9") || (kv.Key == "debug-threads" && kv.Value == "off"));
    }

    [Fact]
    public void ANetdevBackendIsPassedAsGiven_ItsMakerEscapesWhatItPutsIn()
    {
        IReadOnlyList<string> args = QemuCommandLineBuilder.Build(new QemuLaunchSpec
        {
            Spec = Guest,
            Paths = Paths,
            Accel = Accelerator.Tcg,
            NetdevBackends = [$"tap,ifname={QemuOption.Escape("tap0,script=/tmp/x")},script=no,downscript=no"],
        }).Value;

        IReadOnlyList<KeyValuePair<string, string>> netdev = QemuOpts.Split(Assert.Single(Values(args, "-netdev")));
        Assert.Contains(netdev, kv => kv.Key == "ifname" && kv.Value == "tap0,script=/tmp/x");
        Assert.Equal("no", Assert.Single(netdev, kv => kv.Key == "script").Value);
    }

    [Theory]
    [InlineData("a,b", "a,,b")]
    [InlineData(",", ",,")]
    [InlineData("plain", "plain")]
    [InlineData("a,,b", "a,,,,b")]
    public void Escape_DoublesEveryComma(string value, string escaped)
    {
        Assert.Equal(escaped, QemuOption.Escape(value));
        Assert.Equal(value, QemuOpts.Split("x=" + escaped).Single().Value);
    }

    private static string HostileValueOf(string what, VmSpec spec) => what switch
    {
        "mac" => spec.Vifs[0].Mac!,
        "nic model" => spec.Vifs[0].Model,
        "vdev" => spec.Disks[0].Vdev,
        "name" => spec.Name,
        "boot order" => spec.BootOrder!,
        "pci device" => spec.PciDevices[0],
        "machine" => spec.Machine!,
        _ => throw new ArgumentException(what, nameof(what)),
    };

    private static IEnumerable<string> Values(IReadOnlyList<string> args, string option)
    {
        for (int i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == option)
            {
                yield return args[i + 1];
            }
        }
    }
}
