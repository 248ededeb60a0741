using System.Globalization;
using System.Text;
using Hospes.Bench.Clones;
using Hospes.Testing;
using Hospes.Testing.Bench;

// Clone benchmark: 75 linked clones of a template made (`hospes clone --count 75`), and 75 clones of the tiny
// guest started to their ready marker (`--start`), each against the same work done by hand (qemu-img create -b
// in a loop; plain qemu-system-x86_64 starts, as many at a time as Hospes boots at once).
// Usage: dotnet run --project bench/Hospes.Bench.Clones -c Release -- [--count 75] [--runs 3] [--start-runs 2] [--write docs/benchmarks.md]
int count = Args.Int(args, "--count", 75);
int runs = Args.Int(args, "--runs", 3);
int startRuns = Args.Int(args, "--start-runs", 2);
string? write = Args.Str(args, "--write");
string root = Repo.Root;
string load = Machine.LoadAverage();

await using var lab = await CloneLab.StartAsync();
var hospesCreate = new List<double>();
var manualCreate = new List<double>();
for (int i = 1; i <= runs; i++)
{
    manualCreate.Add(await lab.ManualOverlaysAsync(i, count));
    hospesCreate.Add(await lab.HospesCloneAsync($"c{i}", count, start: false));
    Console.Error.WriteLine($"create run {i}/{runs}: qemu-img loop {manualCreate[^1]:0.000} s, hospes clone {hospesCreate[^1]:0.000} s");
}

var hospesStart = new List<double>();
var manualStart = new List<double>();
var hospesMem = new List<MemoryUse>();
var manualMem = new List<MemoryUse>();
for (int i = 1; i <= startRuns; i++)
{
    (double t, MemoryUse m) = await lab.ManualStartAsync(i, count, CloneLab.BootParallelism);
    manualStart.Add(t);
    manualMem.Add(m);
    (t, m) = await lab.HospesStartAsync($"s{i}", count);
    hospesStart.Add(t);
    hospesMem.Add(m);
    Console.Error.WriteLine($"start run {i}/{startRuns}: by hand {manualStart[^1]:0.0} s ({manualMem[^1].PssMibPerVm:0} MiB/VM), hospes {hospesStart[^1]:0.0} s ({hospesMem[^1].PssMibPerVm:0} MiB/VM)");
}

var md = new StringBuilder();
md.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Machine.Cpu()}), {lab.QemuVersion}, accelerator {lab.Accel}, {CloneLab.HostMemoryMib() / 1024} GiB RAM; load average before the run: {load}.");
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"| {count} VMs | median | min | max | runs |");
md.AppendLine("|---|---|---|---|---|");
Row(md, $"`hospes clone tmpl 'c-{{i}}' --count {count}` (linked clones, defined)", hospesCreate, "s", "0.000");
Row(md, $"by hand: `qemu-img create -f qcow2 -b BASE -F qcow2` × {count}, in a shell loop", manualCreate, "s", "0.000");
Row(md, $"`hospes clone ... --count {count} --start` → every `HOSPES-READY`", hospesStart, "s", "0.0");
Row(md, $"by hand: {count} overlays + plain `qemu-system-x86_64`, {CloneLab.BootParallelism} booting at a time → every `HOSPES-READY`", manualStart, "s", "0.0");
Row(md, "host memory per running clone (PSS of its QEMU), Hospes", [.. hospesMem.Select(m => m.PssMibPerVm)], "MiB", "0");
Row(md, "host memory per running clone (PSS of its QEMU), by hand", [.. manualMem.Select(m => m.PssMibPerVm)], "MiB", "0");
Row(md, "host MemAvailable drop per running clone, Hospes", [.. hospesMem.Select(m => m.AvailableDropMibPerVm)], "MiB", "0");
Row(md, "host MemAvailable drop per running clone, by hand", [.. manualMem.Select(m => m.AvailableDropMibPerVm)], "MiB", "0");
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"Target: {count} linked clones created in under 5 s. Each clone: `memory = {CloneLab.GuestMib}`, the tiny kernel and initrd, one qcow2 overlay on the template's ext4 disk. The plain command, as run for each clone:");
md.AppendLine();
md.AppendLine("```");
md.AppendLine(lab.ManualCommandShown);
md.AppendLine("```");
Console.WriteLine(md.ToString());
if (write is not null)
{
    Docs.ReplaceSection(Path.Combine(root, write), "clones", md.ToString());
    Console.Error.WriteLine($"wrote the clones section of {write}");
}

return Stats.Median(hospesCreate) < 5 ? 0 : 1;

static void Row(StringBuilder md, string what, IReadOnlyList<double> values, string unit, string format) =>
    md.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {Stats.Median(values).ToString(format, CultureInfo.InvariantCulture)} {unit} | {values.Min().ToString(format, CultureInfo.InvariantCulture)} {unit} | {values.Max().ToString(format, CultureInfo.InvariantCulture)} {unit} | {values.Count} |");
