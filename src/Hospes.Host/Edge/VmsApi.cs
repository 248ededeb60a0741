using Hospes.Config;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Console;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Host.Vms.Commands;

namespace Hospes.Host.Edge;

/// <summary>The VMs as the API shows them: wire requests in, each turned into the VM floor's call, wire records or errors out.</summary>
public sealed partial class VmsApi
{
    private readonly VmManager _vms;
    private readonly VmCreator _creator;
    private readonly UserSpecs _specs;

    internal VmsApi(VmManager vms, VmCreator creator, UserSpecs specs)
    {
        _vms = vms;
        _creator = creator;
        _specs = specs;
    }

    /// <summary>The VMs of <paramref name="project"/> (null: every project) that <paramref name="visible"/> (project, name) lets through.</summary>
    public IReadOnlyList<VmInfo> List(string? project = null, Func<string, string, bool>? visible = null) =>
        [.. _vms.All.Where(a => Shows(a.Record.Project, a.Record.Name, project, visible)).Select(VmInfoFactory.Create)];

    /// <summary>Whether a list shows an item of <paramref name="itemProject"/>: the request's project (if any) and the caller's filter.</summary>
    internal static bool Shows(string? itemProject, string name, string? project, Func<string, string, bool>? visible) =>
        (project is null || itemProject == project) && (visible?.Invoke(itemProject ?? "", name) ?? true);

    public Result<VmInfo> Get(string name) => ResultMap.Map(_vms.Find(name), VmInfoFactory.Create);

    /// <summary>Defines (and starts) the VM of a config; what it may use of the host depends on <paramref name="caller"/>.</summary>
    public async Task<Result<CreateVmResponse>> CreateAsync(CreateVmRequest request, Caller caller, CancellationToken ct, string project = StateDb.DefaultProject)
    {
        // "source" is required, but JSON's null passes for it: without this, a NullReferenceException (a 500).
        if (request.Source is null)
        {
            return HospesError.Invalid("cannot create a VM: the request's source is null; send the config file as \"source\": {\"config\": \"...\", \"config_path\": \"...\"}");
        }

        XenConfigSource source = Source(request.Source);
        Result<CreatedVm> created = await _creator.CreateAsync(source, request.Start, _specs.For(caller, source.FilePath), ct, project, request.Paused).ConfigureAwait(false);
        return ResultMap.Map(created, c => new CreateVmResponse(VmInfoFactory.Create(c.Vm), [.. c.Warnings.Select(DiagnosticFactory.Create)]));
    }

    /// <summary>`hospes config check`: read and validated, nothing defined; the host's files need not exist.</summary>
    public ConfigCheckResponse Check(ConfigRequest request)
    {
        ConfigReadResult read = _creator.Check(Source(request));
        return new ConfigCheckResponse
        {
            Ok = !read.HasErrors,
            Diagnostics = [.. read.Diagnostics.Select(DiagnosticFactory.Create)],
            Spec = read.Spec is null ? null : WireSpec.ToWire(read.Spec),
            Normalized = read.Spec is null ? null : XenConfigWriter.Write(read.Spec),
        };
    }

    public Task<Result<VmInfo>> StartAsync(string name) => Run(name, a => a.RunAsync(_vms.Commands.Start()));

    public Task<Result<VmInfo>> PauseAsync(string name) => Run(name, a => a.RunAsync(VmCommands.Pause()));

    public Task<Result<VmInfo>> UnpauseAsync(string name) => Run(name, a => a.RunAsync(VmCommands.Unpause()));

    public Task<Result<VmInfo>> DestroyAsync(string name) => Run(name, a => a.RunAsync(_vms.Commands.Destroy()));

    public Task<Result<VmInfo>> ShutdownAsync(string name, ShutdownRequest request, CancellationToken ct) =>
        NegativeTimeout("shutdown", name, request) is { } refused
            ? Task.FromResult<Result<VmInfo>>(refused)
            : Run(name, a => VmLifecycle.ShutdownAsync(a, _vms.Commands, request.TimeoutS, request.Force, ct));

    public Task<Result<VmInfo>> RebootAsync(string name, ShutdownRequest request, CancellationToken ct) =>
        NegativeTimeout("reboot", name, request) is { } refused
            ? Task.FromResult<Result<VmInfo>>(refused)
            : Run(name, a => VmLifecycle.RebootAsync(a, _vms.Commands, request.TimeoutS, ct));

    /// <summary>A wait of no time (or less) is a mistake, not a time-out: refused before the power button is pressed.</summary>
    private static HospesError? NegativeTimeout(string verb, string name, ShutdownRequest request) =>
        request.TimeoutS < 1 ? HospesError.Invalid($"{verb} {name}: a timeout of {request.TimeoutS} s is out of range; give 1 or more seconds (no guest powers off in no time)") : null;

    public Task<Result<VmInfo>> SaveAsync(string name, SaveRequest request) =>
        Run(name, a => a.RunAsync(request.Checkpoint || request.LeavePaused ? _vms.Commands.Save(request.Path, request.Checkpoint, request.LeavePaused) : _vms.Commands.Save(request.Path)));

    public async Task<Result<VmInfo>> RestoreAsync(RestoreRequest request, CancellationToken ct, string project = StateDb.DefaultProject) =>
        ResultMap.Map(await _vms.RestoreAsync(request.Path, request.Paused, ct, project).ConfigureAwait(false), VmInfoFactory.Create);

    public async Task<Result<VmInfo>> DeleteAsync(string name, bool force, CancellationToken ct) =>
        ResultMap.Map(await _vms.DeleteAsync(name, force, ct).ConfigureAwait(false), VmInfoFactory.Create);

    /// <summary>Everything the guest wrote on its console (the file QEMU appends to).</summary>
    public Result<string> ConsoleLogPath(string name) => ResultMap.Map(_vms.Find(name), a => a.ConsoleLogPath);

    public async Task<Result<ConsoleSession>> AttachConsoleAsync(string name, CancellationToken ct)
    {
        Result<VmActor> actor = _vms.Find(name);
        return actor.IsOk ? await actor.Value.RunAsync(VmCommands.AttachConsole(), ct).ConfigureAwait(false) : actor.Error;
    }

    /// <summary>The unix socket of the VM's VNC display (`hospes vnc`), if it has one and runs.</summary>
    public async Task<Result<string>> VncSocketAsync(string name, CancellationToken ct)
    {
        Result<VmActor> actor = _vms.Find(name);
        if (!actor.IsOk)
        {
            return actor.Error;
        }

        // Without a display, starting the VM would not help: say so whatever its state.
        if (VncCommand.Missing(actor.Value.Record) is { } missing)
        {
            return missing;
        }

        return await actor.Value.RunAsync(VmCommands.Vnc(), ct).ConfigureAwait(false);
    }

    private static XenConfigSource Source(ConfigRequest request) => new(request.Config, request.ConfigPath) { Overrides = request.Overrides };

    private async Task<Result<VmInfo>> Run(string name, Func<VmActor, Task<Result<VmRecord>>> operation)
    {
        Result<VmActor> actor = _vms.Find(name);
        if (!actor.IsOk)
        {
            return actor.Error;
        }

        Result<VmRecord> done = await operation(actor.Value).ConfigureAwait(false);
        return done.IsOk ? VmInfoFactory.Create(actor.Value) : done.Error;
    }
}
