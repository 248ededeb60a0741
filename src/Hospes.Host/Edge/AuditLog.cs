using Hospes.Host.Access;
using Hospes.Host.State;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Edge;

/// <summary>
/// The audit log's writing end: one row per mutating request, refusal or failed login (the API decides which, and
/// keeps a flood to one row per burst). A row that cannot be written is logged, never the request's failure: the
/// action it records has happened.
/// </summary>
public sealed partial class AuditLog
{
    private readonly StateDb _db;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    internal AuditLog(StateDb db, TimeProvider time, ILogger log)
    {
        _db = db;
        _time = time;
        _log = log;
    }

    /// <param name="user">The caller's Display, the name a failed login claimed, or "anonymous".</param>
    /// <param name="source">"unix" or the remote address.</param>
    /// <param name="action">Method and path: "POST /v1/vms/web/start".</param>
    /// <param name="target">The object the route names ("web"), if any.</param>
    /// <param name="result">The status and, for a refusal, its message: "403 forbidden: ...".</param>
    public void Record(string user, string? source, string action, string? target, string result)
    {
        try
        {
            _db.AppendAudit(new AuditEntry(_time.GetUtcNow(), user, source, action, target, result));
        }
        catch (SqliteException e)
        {
            LogNotWritten(_log, action, user, e.Message);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "the audit log could not record {Action} by {User}: {Reason}")]
    private static partial void LogNotWritten(ILogger logger, string action, string user, string reason);
}
