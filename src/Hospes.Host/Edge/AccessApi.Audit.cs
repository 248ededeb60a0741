using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Access;

namespace Hospes.Host.Edge;

/// <summary>The audit log, newest first (the authentication middleware writes it).</summary>
public sealed partial class AccessApi
{
    public const int MaxAuditLimit = 10_000;

    public Result<IReadOnlyList<AuditEntryInfo>> Audit(string? user, DateTimeOffset? since, int limit)
    {
        if (limit is < 1 or > MaxAuditLimit)
        {
            return HospesError.Invalid($"limit {limit}: give a number of entries from 1 to {MaxAuditLimit}");
        }

        return Result.Ok<IReadOnlyList<AuditEntryInfo>>([.. _db.LoadAudit(user, since, limit).Select(ToInfo)]);
    }

    private static AuditEntryInfo ToInfo(AuditEntry e) => new()
    {
        Time = e.Time,
        User = e.User,
        Source = e.Source,
        Action = e.Action,
        Target = e.Object,
        Result = e.Result,
    };
}
