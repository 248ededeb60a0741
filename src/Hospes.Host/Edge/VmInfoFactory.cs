using Hospes.Contracts;
using Hospes.Core.Vms;
using Hospes.Host.Edge;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Qemu.Launch;

namespace Hospes.Host.Edge;

/// <summary>A VM's record plus live figures from /proc, as the API shows it.</summary>
internal static class VmInfoFactory
{
    public static VmInfo Create(VmActor actor)
    {
        VmRecord r = actor.Record;
        int? pid = actor.Pid;
        bool live = pid is not null && r.State is VmState.Running or VmState.Paused or VmState.Preserved or VmState.Crashed;
        return new VmInfo
        {
            Name = r.Name,
            Project = r.Project,
            Uuid = r.Uuid,
            Id = r.DomId,
            MemoryMib = r.Spec.MemoryMib,
            MaxMemoryMib = r.Spec.MaxMemoryMib,
            Vcpus = r.Spec.Vcpus,
            State = WireSpec.ToWire(r.State),
            Flags = Flags(r.State, live && pid is { } p && ProcFs.AnyThreadRunnable(p, actor.VcpuThreads)),
            CpuTimeS = live && pid is { } p2 ? Math.Round(ProcFs.CpuSeconds(p2), 1) : 0,
            Pid = pid,
            Machine = r.Machine,
            Accel = r.Accel,
            StartedAt = r.StartedAt,
            CrashCount = r.CrashCount,
            LastError = r.LastError,
            SavePath = r.SavePath,
            ConsoleLog = actor.ConsoleLogPath,
            Spec = WireSpec.ToWire(r.Spec),
        };
    }

    /// <summary>xl's state letters: r b p s c d.</summary>
    private static string Flags(VmState state, bool onCpu) => state switch
    {
        VmState.Running => onCpu ? "r-----" : "-b----",
        VmState.Paused => "--p---",
        VmState.Preserved => "---s--",
        VmState.Crashed => "----c-",
        _ => "------",
    };
}
