using System.Globalization;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Access;

/// <summary>One request as the audit log names it: "POST /v1/vms/web/start" on object "web".</summary>
internal sealed class AuditedRequest(HttpContext http, AuditLog audit)
{
    public string Action { get; } = $"{http.Request.Method} {http.Request.Path}";

    /// <summary>The object the route names: its {name} or {vm}, or the store's ?name=.</summary>
    public string? Object =>
        (http.Request.RouteValues.TryGetValue("name", out object? name) || http.Request.RouteValues.TryGetValue("vm", out name)) && name is not null
            ? Convert.ToString(name, CultureInfo.InvariantCulture)
            : http.Request.Query.TryGetValue("name", out var query) ? query.ToString() : null;

    public void Record(string user, string? source, string result) => audit.Record(user, source, Action, Object, result);

    /// <summary>Answers the refusal; records it when <paramref name="record"/> (the caller's flood is recorded once per burst).</summary>
    /// <param name="shown">The message the caller sees, when it differs from the recorded one.</param>
    public async Task RefuseAsync(string user, string? source, HospesError error, bool record, string? shown = null)
    {
        // Recorded before the answer, so a caller that has the answer finds the row.
        if (record)
        {
            Record(user, source, string.Create(CultureInfo.InvariantCulture, $"{ApiResults.Status(error.Code)} {WireSpec.ToWire(error.Code)}: {error.Message}"));
        }

        await ApiResults.Error(shown is null ? error : new HospesError(error.Code, shown)).ExecuteAsync(http);
    }
}
