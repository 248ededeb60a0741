using System.Diagnostics;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Vms;
using Hospes.Host.Vms.Agent;
using Hospes.Qemu.Qga;

namespace Hospes.Host.Edge;

/// <summary>A running VM's guest agent as the API shows it: `hospes guest VM ping|info|exec|set-time`.</summary>
public sealed class GuestApi
{
    /// <summary>The longest an exec may be waited for; the HTTP request stays open that long.</summary>
    public const int MaxExecTimeoutS = 3600;

    private readonly VmManager _vms;
    private readonly GuestAgent _agent;

    internal GuestApi(VmManager vms, GuestAgent agent)
    {
        _vms = vms;
        _agent = agent;
    }

    public async Task<Result<GuestPingResponse>> PingAsync(string name, CancellationToken ct)
    {
        Result<VmActor> vm = _vms.Find(name);
        if (!vm.IsOk)
        {
            return vm.Error;
        }

        long start = Stopwatch.GetTimestamp();
        Result<bool> pong = await _agent.PingAsync(vm.Value, ct).ConfigureAwait(false);
        return pong.IsOk
            ? new GuestPingResponse { Vm = name, Ms = Math.Round(Stopwatch.GetElapsedTime(start).TotalMilliseconds, 1) }
            : pong.Error;
    }

    public async Task<Result<GuestInfo>> InfoAsync(string name, CancellationToken ct)
    {
        Result<VmActor> vm = _vms.Find(name);
        if (!vm.IsOk)
        {
            return vm.Error;
        }

        Result<GuestFacts> facts = await _agent.FactsAsync(vm.Value, ct).ConfigureAwait(false);
        return ResultMap.Map(facts, f => new GuestInfo
        {
            Vm = name,
            AgentVersion = f.Agent.Version,
            Os = f.Os.PrettyName ?? f.Os.Name ?? "",
            KernelRelease = f.Os.KernelRelease ?? "",
            Machine = f.Os.Machine ?? "",
            HostName = f.HostName,
            Interfaces = [.. f.Interfaces.Select(Interface)],
            Commands = [.. f.Agent.EnabledCommands],
        });
    }

    public async Task<Result<GuestExecResponse>> ExecAsync(string name, GuestExecRequest request, CancellationToken ct)
    {
        if (request.TimeoutS is < 1 or > MaxExecTimeoutS)
        {
            return HospesError.Invalid($"exec in VM {name}: a timeout of {request.TimeoutS} s is out of range; give 1 to {MaxExecTimeoutS} s");
        }

        Result<VmActor> vm = _vms.Find(name);
        if (!vm.IsOk)
        {
            return vm.Error;
        }

        Result<QgaExecResult> run = await _agent.ExecAsync(vm.Value, request.Command ?? [], TimeSpan.FromSeconds(request.TimeoutS), ct).ConfigureAwait(false);
        return ResultMap.Map(run, r => new GuestExecResponse
        {
            Vm = name,
            Pid = r.Pid,
            ExitCode = r.ExitCode,
            Signal = r.Signal,
            Stdout = r.Stdout,
            Stderr = r.Stderr,
            StdoutTruncated = r.StdoutTruncated,
            StderrTruncated = r.StderrTruncated,
        });
    }

    public async Task<Result<GuestTimeResponse>> SetTimeAsync(string name, CancellationToken ct)
    {
        Result<VmActor> vm = _vms.Find(name);
        if (!vm.IsOk)
        {
            return vm.Error;
        }

        Result<DateTimeOffset> set = await _agent.SetTimeAsync(vm.Value, ct).ConfigureAwait(false);
        return ResultMap.Map(set, t => new GuestTimeResponse { Vm = name, Time = t });
    }

    private static GuestInterface Interface(QgaInterface i) => new()
    {
        Name = i.Name,
        Mac = i.HardwareAddress,
        Addresses = [.. i.Addresses.Select(a => $"{a.Address}/{a.Prefix}")],
    };
}
