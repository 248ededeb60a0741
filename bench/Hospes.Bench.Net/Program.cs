using System.Globalization;
using System.Text;
using Hospes.Bench.Net;
using Hospes.Testing;
using Hospes.Testing.Bench;

// Network benchmark: TCP throughput host → guest and guest → guest over a Hospes network (bridge + taps), for
// the same generic kernel with a paravirtual NIC (virtio-net-pci) and an emulated one (e1000), both on q35, and
// the cloud kernel's virtio-net on microvm (virtio-mmio) as a reference. Everything runs in a network namespace
// of its own. Usage:
// dotnet run --project bench/Hospes.Bench.Net -c Release -- [--runs 3] [--h2g-mib 64] [--g2g-mib 64] [--write docs/benchmarks.md]
int runs = Args.Int(args, "--runs", 3);
int h2gMib = Args.Int(args, "--h2g-mib", 64);
int g2gMib = Args.Int(args, "--g2g-mib", 64);
NetLab.GuestToGuestMib = g2gMib;
string? write = Args.Str(args, "--write");
string root = Repo.Root;
string loadBefore = Machine.LoadAverage();

NicSetup[] setups =
[
    new("generic kernel + virtio-net (q35)", "tinyg", "virtio-net", "q35", 10),
    new("generic kernel + e1000 (q35)", "tinyg", "e1000", "q35", 20),
    new("cloud kernel + virtio-net (microvm)", "tiny", "virtio-net", "", 30),
];

var h2g = setups.ToDictionary(s => s, _ => new List<double>());
var g2g = setups.ToDictionary(s => s, _ => new List<double>());
var devices = new Dictionary<NicSetup, string>();
string qemuVersion, accel;
await using (var lab = await NetLab.StartAsync())
{
    qemuVersion = lab.QemuVersion;
    accel = lab.Accel;
    foreach (NicSetup s in setups)
    {
        devices[s] = await lab.StartPairAsync(s);
        Console.Error.WriteLine($"{s.Label}: {NetLab.GuestName(s, 1)} and {NetLab.GuestName(s, 2)} ready, NIC {devices[s]}");
    }

    // Interleaved: every run measures every setup once, so that changing machine load hits them alike.
    for (int i = 1; i <= runs; i++)
    {
        foreach (NicSetup s in setups)
        {
            h2g[s].Add(await lab.HostToGuestAsync(s, h2gMib));
            (double mbps, double wall) = await lab.GuestToGuestAsync(s);
            g2g[s].Add(mbps);
            Console.Error.WriteLine($"run {i}/{runs} {s.Label}: host→guest {h2g[s][^1]:0.00} MB/s, guest→guest {mbps:0.00} MB/s (ssh round trip {wall:0.0} s)");
        }
    }

    foreach (NicSetup s in setups)
    {
        await lab.StopPairAsync(s);
    }
}

string loadAfter = Machine.LoadAverage();
var md = new StringBuilder();
md.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Machine.Cpu()}), {qemuVersion}, accelerator {accel}; load average before the run: {loadBefore}, after: {loadAfter}.");
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"| guests (`memory = {NetLab.GuestMib}`, `vcpus = 1`) | NIC as run | host → guest, {h2gMib} MiB | guest → guest, {g2gMib} MiB | runs |");
md.AppendLine("|---|---|---|---|---|");
foreach (NicSetup s in setups)
{
    md.AppendLine(CultureInfo.InvariantCulture, $"| {s.Label} | {devices[s]} | {Cell(h2g[s])} | {Cell(g2g[s])} | {runs} |");
}

md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"MB/s = 10⁶ bytes per second, median (min–max). Every transfer's byte count is checked at the receiver. The receiver in the guest is `nc -ll -p {NetLab.Port} -e {NetLab.Receiver}`: it stores the stream in the guest's tmpfs and sends back its size. Host → guest, run in the namespace that holds the bridge and timed until the size comes back:");
md.AppendLine();
md.AppendLine("```");
md.AppendLine(CultureInfo.InvariantCulture, $"head -c {h2gMib * 1024L * 1024L} /dev/zero | socat -t 120 - TCP:GUEST2:{NetLab.Port}");
md.AppendLine("```");
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"Guest → guest: guest 2 serves `nc -ll -p {NetLab.SourcePort} -e dd if=/dev/zero bs=64k count={g2gMib * 16}`; guest 1 pulls it with this command, run through `hospes ssh` and timed by the guest's own clock:");
md.AppendLine();
md.AppendLine("```");
md.AppendLine(NetLab.GuestToGuestCommand("GUEST2"));
md.AppendLine("```");
Console.WriteLine(md.ToString());
if (write is not null)
{
    Docs.ReplaceSection(Path.Combine(root, write), "net", md.ToString());
    Console.Error.WriteLine($"wrote the net section of {write}");
}

return 0;

static string Cell(IReadOnlyList<double> v) =>
    string.Create(CultureInfo.InvariantCulture, $"{Stats.Median(v):0.00} MB/s ({v.Min():0.00}–{v.Max():0.00})");
