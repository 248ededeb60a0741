using Hospes.Contracts;
using Hospes.Host.Memory;
using Hospes.Host.State;

namespace Hospes.Host.Edge;

/// <summary>The host's and the VMs' memory as the API shows it: MiB, and names in lower case.</summary>
internal static class MemoryInfoFactory
{
    private const long Mib = 1024 * 1024;

    public static HostMemoryInfo Create(HostMemoryStatus s) => new()
    {
        TotalMib = s.Host.TotalBytes / Mib,
        AvailableMib = s.Host.AvailableBytes / Mib,
        FreeMib = s.Host.FreeBytes / Mib,
        CgroupLimitMib = s.Host.CgroupLimitBytes / Mib,
        CommittedMib = s.CommittedBytes / Mib,
        OvercommitRatio = s.Settings.OvercommitRatio,
        CommitLimitMib = s.CommitLimitBytes / Mib,
        CommittedRatio = s.CommittedRatio,
        ReserveMib = s.ReserveBytes / Mib,
        Pressure = s.Pressure,
        PsiSomeAvg10 = s.Host.PressureAvg10,
        Policy = s.Settings.Policy.ToString().ToLowerInvariant(),
        GuestsRssMib = s.GuestsRssBytes / Mib,
        GuestsPssMib = s.GuestsPssBytes / Mib,
        VmsRunning = s.VmsRunning,
        Ksm = new KsmInfo
        {
            State = !s.Ksm.Available ? "unavailable" : s.Ksm.Running ? "on" : "off",
            Mode = s.Settings.Ksm.ToString().ToLowerInvariant(),
            ManagedByHospes = s.KsmManaged,
            PagesShared = s.Ksm.PagesShared,
            PagesSharing = s.Ksm.PagesSharing,
            SavedMib = s.Ksm.SavedBytes / Mib,
            PagesToScan = s.Ksm.PagesToScan,
            SleepMs = s.Ksm.SleepMs,
            FullScans = s.Ksm.FullScans,
        },
        FreePageReportingGuests = s.FreePageReportingGuests,
    };

    public static VmMemoryInfo Create(VmMemoryStatus s)
    {
        VmRecord r = s.Vm;
        VmMemoryState m = s.Memory;
        return new VmMemoryInfo
        {
            Name = r.Name,
            State = r.State.ToString().ToLowerInvariant(),
            MemoryMib = r.Spec.MemoryMib,
            MaxMemoryMib = r.Spec.MaxMemoryMib,
            BootedMib = m.BootedMib,
            TargetMib = m.TargetMib,
            ActualMib = m.ActualBytes / Mib,
            GuestUsedMib = m.GuestUsedBytes / Mib,
            GuestFreeMib = m.Stats?.FreeBytes / Mib,
            GuestAvailableMib = m.Stats?.AvailableBytes / Mib,
            GuestCacheMib = m.Stats?.DiskCachesBytes / Mib,
            StatsAgeS = s.StatsAge is { } age ? Math.Round(Math.Max(0, age.TotalSeconds), 1) : null,
            HostRssMib = m.HostRssBytes / Mib,
            HostPssMib = m.HostPssBytes / Mib,
            CpuPercent = m.CpuPercent is { } cpu ? Math.Round(cpu, 1) : null,
            Balloon = m.Balloon switch
            {
                BalloonState.NoDriver => "no-driver",
                BalloonState.Active => "active",
                BalloonState.Unresponsive => "unresponsive",
                _ => "off",
            },
            FreePageReporting = m.Driver is { FreePageReporting: true },
            PolicyReason = m.PolicyReason,
        };
    }

    public static MemoryAction Create(PolicyAction a) => new() { At = a.At, Vm = a.Vm, FromMib = a.FromMib, ToMib = a.ToMib, Reason = a.Reason };

    public static TopInfo Create(MemoryTop top) => new()
    {
        Host = Create(top.Host),
        Vms = [.. top.Vms.Select(Create)],
        Actions = [.. top.Actions.Select(Create)],
    };
}
