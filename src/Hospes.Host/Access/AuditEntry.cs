namespace Hospes.Host.Access;

/// <summary>One line of the audit log: who did what to which object, from where, with what result.</summary>
internal sealed record AuditEntry(DateTimeOffset Time, string User, string? Source, string Action, string? Object, string Result);
