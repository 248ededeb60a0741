using System.Globalization;
using System.Runtime.Intrinsics.X86;

namespace Hospes.Qemu.Host;

/// <summary>
/// The host's TSC rate, which under TCG is also the guest's. microvm has no HPET or ACPI PM timer:
/// on a busy host the guest kernel cannot calibrate its TSC against the PIT and hangs early in boot
/// (13 of 20 boots here). tsc_early_khz=&lt;this&gt; on the kernel command line skips that calibration.
/// </summary>
public static class HostTsc
{
    private static readonly Lazy<long?> Cached = new(Probe);

    public static long? Khz => Cached.Value;

    private static long? Probe()
    {
        if (X86Base.IsSupported)
        {
            // Intel: TSC = crystal * numerator / denominator (leaf 0x15), else the base frequency (leaf 0x16).
            (int maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
            if (maxLeaf >= 0x15 && X86Base.CpuId(0x15, 0) is (int den and > 0, int num and > 0, int crystal and > 0, _))
            {
                return (long)crystal * num / den / 1000;
            }

            if (maxLeaf >= 0x16 && X86Base.CpuId(0x16, 0) is (int mhz and > 0, _, _, _))
            {
                return mhz * 1000L;
            }
        }

        // Without a cpufreq driver (typical in a VM) "cpu MHz" is the kernel's calibrated clock, which the TSC follows.
        if (Directory.Exists("/sys/devices/system/cpu/cpu0/cpufreq") || !File.Exists("/proc/cpuinfo"))
        {
            return null;
        }

        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("cpu MHz", StringComparison.Ordinal));
        return line is not null && double.TryParse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture, out double cpuMhz)
            ? (long)Math.Round(cpuMhz * 1000)
            : null;
    }
}
