using System.Globalization;
using System.Text.Json;
using Hospes.Core.Errors;
using Hospes.Core.Json;
using Hospes.Core.Processes;
using Hospes.Core.Vms;

namespace Hospes.Qemu.Host;

/// <summary>
/// Decides whether KVM is worth using: /dev/kvm can exist yet run guests ~1000x slower than native
/// (nested virtualization without hardware support). A probe guest runs the same compute loop under
/// TCG and KVM; KVM is chosen only when it clearly beats TCG. Cached per boot.
/// </summary>
public static class AccelProbe
{
    private const uint Iterations = 50_000_000;
    private const double KvmMustBeFasterBy = 2.0;
    private const string KvmDevice = "/dev/kvm";

    public static async Task<AccelDecision> DecideAsync(QemuBinary qemu, string? cachePath, TimeProvider time, CancellationToken ct)
    {
        string key = CacheKey(qemu);
        if (cachePath is not null && TryReadCache(cachePath, key) is { } cached)
        {
            return cached;
        }

        AccelDecision decision = await ProbeAsync(qemu, key, time, ct).ConfigureAwait(false);
        if (cachePath is not null)
        {
            TryWriteCache(cachePath, decision);
        }

        return decision;
    }

    private static async Task<AccelDecision> ProbeAsync(QemuBinary qemu, string key, TimeProvider time, CancellationToken ct)
    {
        bool kvmPresent = File.Exists(KvmDevice);
        string firmware = Path.Combine(Path.GetTempPath(), $"hospes-accel-probe-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(firmware, ProbeFirmware.Build(Iterations), ct).ConfigureAwait(false);
        try
        {
            double? tcg = await RunAsync(qemu, "tcg", firmware, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            var decision = new AccelDecision
            {
                Chosen = Accelerator.Tcg,
                Reason = "",
                KvmDevicePresent = kvmPresent,
                TcgProbeSeconds = tcg,
                ProbedAt = time.GetUtcNow(),
                CacheKey = key,
            };
            if (!kvmPresent)
            {
                return decision with { Reason = $"{KvmDevice} does not exist (no hardware virtualization here): using TCG, QEMU's software emulation" };
            }

            if (!CanOpen(KvmDevice))
            {
                return decision with { Reason = $"{KvmDevice} exists but cannot be opened by hospesd (permissions): using TCG" };
            }

            TimeSpan kvmLimit = TimeSpan.FromSeconds(Math.Max(2.0, 5 * (tcg ?? 1.0)));
            double? kvm = await RunAsync(qemu, "kvm", firmware, kvmLimit, ct).ConfigureAwait(false);
            decision = decision with { KvmProbeSeconds = kvm };
            string tcgText = tcg is null ? "TCG failed too" : $"TCG ran it in {Seconds(tcg.Value)}";
            if (kvm is null)
            {
                return decision with
                {
                    Reason = $"{KvmDevice} exists but the KVM probe guest did not finish within {Seconds(kvmLimit.TotalSeconds)} ({tcgText}): "
                        + "KVM here is far slower than native (nested virtualization without hardware support?); using TCG",
                };
            }

            if (tcg is null || kvm.Value * KvmMustBeFasterBy <= tcg.Value)
            {
                return decision with
                {
                    Chosen = Accelerator.Kvm,
                    Reason = $"the KVM probe guest ran in {Seconds(kvm.Value)} ({tcgText}): KVM runs near native speed; using KVM",
                };
            }

            return decision with
            {
                Reason = $"{KvmDevice} exists but the KVM probe guest took {Seconds(kvm.Value)} ({tcgText}): KVM is not faster than software emulation here; using TCG",
            };
        }
        finally
        {
            File.Delete(firmware);
        }
    }

    /// <summary>Wall seconds for the probe guest under <paramref name="accel"/>, or null if it failed or ran out of time.</summary>
    private static async Task<double?> RunAsync(QemuBinary qemu, string accel, string firmware, TimeSpan limit, CancellationToken ct)
    {
        string[] args =
        [
            "-accel", accel, "-machine", "microvm", "-nodefaults", "-no-user-config", "-display", "none", "-m", "16",
            "-bios", firmware, "-device", $"isa-debug-exit,iobase=0x{ProbeFirmware.DebugExitPort:x},iosize=4",
        ];
        Result<ToolOutput> run = await ToolProcess.RunAsync(new ToolCommand(qemu.Path, args) { Timeout = limit }, ct).ConfigureAwait(false);
        return run.Error switch
        {
            // isa-debug-exit makes QEMU exit with a non-zero code; that code is the probe's success.
            ToolExited exited => exited.ExitCode == ProbeFirmware.SuccessExitCode ? exited.Output.Elapsed.TotalSeconds : null,
            ToolNotInstalled missing => throw new FileNotFoundException($"cannot run {qemu.Path}: {missing.Reason}", qemu.Path),
            _ => null,
        };
    }

    private static string Seconds(double s) => s.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    private static bool CanOpen(string device)
    {
        try
        {
            using var f = new FileStream(device, FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    private static string CacheKey(QemuBinary qemu)
    {
        string bootId = File.Exists("/proc/sys/kernel/random/boot_id") ? File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim() : "unknown";
        var info = new FileInfo(qemu.Path);
        string binary = info.Exists ? $"{info.FullName}:{info.Length}:{info.LastWriteTimeUtc.Ticks}" : qemu.Path;
        return $"{bootId}|{binary}|{qemu.Version}|kvm={File.Exists(KvmDevice)}";
    }

    private static AccelDecision? TryReadCache(string path, string key)
    {
        try
        {
            var cached = JsonSerializer.Deserialize<AccelDecision>(File.ReadAllText(path), HospesJson.Options);
            return cached?.CacheKey == key ? cached : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void TryWriteCache(string path, AccelDecision decision)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string temp = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(decision, HospesJson.Indented));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The cache only saves a second at the next start.
        }
    }
}
