using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Machine;
using Wire = Hospes.Contracts;

namespace Hospes.Host.Edge;

/// <summary>
/// `GET /v1/events`: the host's events in the wire's words, each shown only to a caller who may see what it is about
/// (<see cref="AccessGate.CanSee"/>), optionally only one VM's or some types.
/// </summary>
public sealed class EventsApi
{
    private readonly HostEvents _events;
    private readonly AccessGate _gate;
    private readonly IObjectProjects _projects;

    internal EventsApi(HostEvents events, AccessGate gate, IObjectProjects projects)
    {
        _events = events;
        _gate = gate;
        _projects = projects;
    }

    /// <summary>Subscribers now (tests: a closed stream unsubscribed).</summary>
    public int Subscribers => _events.Subscribers;

    /// <summary>
    /// Subscribes <paramref name="caller"/> (events from now on); <paramref name="types"/> is a comma-separated list of
    /// types or their first words ("vm", "memory"). Dispose the stream to unsubscribe.
    /// </summary>
    public Result<EventFeed> Open(Caller caller, string? vm, string? types)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Result<Func<string, bool>> typeFilter = TypeFilter(types);
        if (!typeFilter.IsOk)
        {
            return typeFilter.Error;
        }

        Func<string, bool> wantsType = typeFilter.Value;
        string? onlyVm = string.IsNullOrEmpty(vm) ? null : vm;
        EventSubscription subscription = _events.Subscribe(e => wantsType(e.Type) && (onlyVm is null || e.Vm == onlyVm));
        return new EventFeed(this, caller, subscription);
    }

    private static Result<Func<string, bool>> TypeFilter(string? types)
    {
        if (string.IsNullOrWhiteSpace(types))
        {
            return (Func<string, bool>)(static _ => true);
        }

        string[] wanted = types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] unknown = [.. wanted.Where(w => !HostEventTypes.All.Any(t => t == w || t.StartsWith(w + ".", StringComparison.Ordinal)))];
        if (unknown.Length > 0)
        {
            return HospesError.Invalid(
                $"unknown event type {string.Join(", ", unknown.Select(u => $"'{u}'"))}; give one or more of {string.Join(", ", HostEventTypes.All)}, or vm or memory for all of theirs (e.g. --type vm.state,progress)");
        }

        return (Func<string, bool>)(type => type == HostEventTypes.Lagged
            || wanted.Any(w => type == w || type.StartsWith(w + ".", StringComparison.Ordinal)));
    }

    /// <summary>Whom an event may be shown to, and its project; null when <paramref name="caller"/> may not see it.</summary>
    internal Wire.HostEvent? Visible(Caller caller, HostEvent e)
    {
        string? project = null;
        bool visible;
        if (e.Type == HostEventTypes.Lagged)
        {
            visible = true;
        }
        else if (e.Object is { } o)
        {
            project = o.Collection == "images" ? null : _projects.ProjectOf(o.Collection, o.Name) ?? "default";
            visible = _gate.CanSee(caller, o.Collection, o.Name, project);
        }
        else if (e.Vm is { } vm)
        {
            project = e.Project ?? _projects.ProjectOf("vms", vm) ?? "default";
            visible = _gate.CanSee(caller, "vms", vm, project);
        }
        else
        {
            visible = _gate.CanSee(caller, null, null);
        }

        return visible ? ToWire(e, project) : null;
    }

    private static Wire.HostEvent ToWire(HostEvent e, string? project) => new()
    {
        Type = e.Type,
        Time = e.At,
        Id = e.Seq,
        Vm = e.Vm,
        OldVm = e.OldVm,
        Project = project,
        State = e.State is { } s ? WireSpec.ToWire(s) : null,
        OldState = e.OldState is { } old ? WireSpec.ToWire(old) : null,
        Why = e.Why,
        Message = e.Message,
        Operation = e.Operation,
        Phase = e.Phase,
        Done = e.Done,
        Total = e.Total,
        Unit = e.Unit,
        Dropped = e.Type == HostEventTypes.Lagged ? e.Dropped : null,
    };
}
