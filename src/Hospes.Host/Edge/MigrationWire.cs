using Hospes.Host.Migration;
using Wire = Hospes.Contracts;

namespace Hospes.Host.Edge;

/// <summary>
/// The migration's messages between the domain and the wire: the local request, the progress events and the summary,
/// and the host-to-host protocol (offer, prepared, finished). Every field is copied by name; the JSON stays the wire's.
/// </summary>
internal static class MigrationWire
{
    public static MigrateRequest ToDomain(Wire.MigrateRequest r) => new()
    {
        Host = r.Host,
        Offline = r.Offline,
        CopyStorage = r.CopyStorage,
        DowntimeMs = r.DowntimeMs,
        Postcopy = r.Postcopy,
        DryRun = r.DryRun,
        ConvergeTimeoutS = r.ConvergeTimeoutS,
        QemuDefaults = r.QemuDefaults,
    };

    public static Wire.MigrationOffer ToWire(MigrationOffer o) => new()
    {
        Spec = WireSpec.ToWire(o.Spec),
        RamMib = o.RamMib,
        Running = o.Running,
        SourceHost = o.SourceHost,
        QemuVersion = o.QemuVersion,
        Accel = o.Accel,
        CpuModel = o.CpuModel,
        MirroredDisks = [.. o.MirroredDisks.Select(d => new Wire.MigratedDisk(d.Vdev, d.VirtualSize))],
        InlineDisks = new Dictionary<string, string>(o.InlineDisks, StringComparer.Ordinal),
        SshHostKey = o.SshHostKey,
        Project = o.Project,
        Postcopy = o.Postcopy,
        AgentChannel = o.AgentChannel,
        DryRun = o.DryRun,
        Tls = ToWire(o.Tls),
        Boot = o.Boot is { } b ? new Wire.MigratedBoot(b.Kernel, b.Initrd, b.Args) : null,
    };

    public static MigrationOffer ToDomain(Wire.MigrationOffer o) => new()
    {
        Spec = WireSpec.ToDomain(o.Spec),
        RamMib = o.RamMib,
        Running = o.Running,
        SourceHost = o.SourceHost,
        QemuVersion = o.QemuVersion,
        Accel = o.Accel,
        CpuModel = o.CpuModel,
        MirroredDisks = [.. o.MirroredDisks.Select(d => new MigratedDisk(d.Vdev, d.VirtualSize))],
        InlineDisks = new Dictionary<string, string>(o.InlineDisks, StringComparer.Ordinal),
        SshHostKey = o.SshHostKey,
        Project = o.Project is { Length: > 0 } project ? project : Hospes.Host.State.StateDb.DefaultProject,
        Postcopy = o.Postcopy,
        AgentChannel = o.AgentChannel ?? false,
        DryRun = o.DryRun,
        Tls = ToDomain(o.Tls),
        Boot = o.Boot is { } b ? new MigratedBoot(b.Kernel ?? "", b.Initrd, b.Args ?? "") : null,
    };

    public static Wire.MigrationPrepared ToWire(MigrationPrepared p) => new()
    {
        Id = p.Id,
        Checks = [.. p.Checks.Select(ToWire)],
        MigratePort = p.MigratePort,
        NbdPort = p.NbdPort,
        Exports = new Dictionary<string, string>(p.Exports, StringComparer.Ordinal),
        Tls = ToWire(p.Tls),
    };

    public static MigrationPrepared ToDomain(Wire.MigrationPrepared p) => new()
    {
        Id = p.Id,
        Checks = [.. p.Checks.Select(c => new MigrationCheck(c.Name, c.Ok, c.Message))],
        MigratePort = p.MigratePort,
        NbdPort = p.NbdPort,
        Exports = new Dictionary<string, string>(p.Exports, StringComparer.Ordinal),
        Tls = ToDomain(p.Tls),
    };

    public static Wire.MigrationTls? ToWire(MigrationTlsPeer? t) => t is null ? null : new(t.Name, t.CaCertificate);

    public static MigrationTlsPeer? ToDomain(Wire.MigrationTls? t) => t is null ? null : new(t.Name, t.CaCertificate);

    public static Wire.MigrationCheck ToWire(MigrationCheck c) => new(c.Name, c.Ok, c.Message);

    public static Wire.MigrationFinished ToWire(MigrationFinished f) => new(f.State, f.ResumedAt, f.ReceivedAt, f.StreamCompleteAt);

    public static MigrationFinished ToDomain(Wire.MigrationFinished f) => new(f.State, f.ResumedAt, f.ReceivedAt, f.StreamCompleteAt);

    public static Wire.MigrationSummary ToWire(MigrationSummary s) => new()
    {
        Vm = s.Vm,
        From = s.From,
        To = s.To,
        Mode = s.Mode,
        TotalMs = s.TotalMs,
        DowntimeMs = s.DowntimeMs,
        QemuDowntimeMs = s.QemuDowntimeMs,
        TransferredBytes = s.TransferredBytes,
        DiskBytes = s.DiskBytes,
        Passes = s.Passes,
        Note = s.Note,
    };

    public static Wire.MigrationEvent ToWire(MigrationEvent e) => new()
    {
        Event = e.Event,
        Message = e.Message,
        ElapsedMs = e.ElapsedMs,
        Status = e.Status,
        TransferredBytes = e.TransferredBytes,
        RemainingBytes = e.RemainingBytes,
        TotalBytes = e.TotalBytes,
        DirtyBytesPerSecond = e.DirtyBytesPerSecond,
        Pass = e.Pass,
        ExpectedDowntimeMs = e.ExpectedDowntimeMs,
        Mbps = e.Mbps,
        ThrottlePercent = e.ThrottlePercent,
        DiskCopiedBytes = e.DiskCopiedBytes,
        DiskTotalBytes = e.DiskTotalBytes,
        Checks = [.. e.Checks.Select(ToWire)],
    };
}
