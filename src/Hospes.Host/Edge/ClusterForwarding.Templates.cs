using System.Net;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Cluster;

namespace Hospes.Host.Edge;

/// <summary>
/// `hospes template delete NAME` in a cluster (issue 17): the copies other members made of this host's template for
/// their clones go first, each member refusing while its linked clones stand on its copy; then this host's.
/// </summary>
public sealed partial class ClusterForwarding
{
    /// <summary>
    /// Deletes template <paramref name="template"/>'s copies on the other members, as this host's hospesd (the caller's
    /// right to delete the template was checked here). Error: a member refused or did not answer (the others' copies
    /// are gone, this host's template stays: the delete is run again). A down member keeps its copy (logged): it
    /// is replaced or refused as stale when the template is made again, and `hospes template delete` there removes it.
    /// </summary>
    public async Task<Result<IReadOnlyList<string>>> DeleteTemplateCopiesAsync(string template, CancellationToken ct)
    {
        Result<ClusterView> read = await _cluster.ViewAsync(ct).ConfigureAwait(false);
        if (!read.IsOk)
        {
            return HospesError.Unavailable($"cannot delete template '{template}''s copies on the other hosts: {read.Error.Message}; nothing was deleted");
        }

        ClusterView view = read.Value;
        string envelope = EnvelopeOf(Caller.LocalAdmin(CopyUser));
        var deleted = new List<string>();
        var refused = new List<string>();
        await Task.WhenAll(view.Members.Where(m => m.Name != HostName).Select(async m =>
        {
            if (!view.Up.ContainsKey(m.Name))
            {
                LogTemplateCopyKept(template, m.Name, "it is down");
                return;
            }

            string? why = await DeleteCopyAsync(m, template, envelope, ct).ConfigureAwait(false);
            lock (deleted)
            {
                (why is null ? deleted : refused).Add(why ?? m.Name);
            }
        })).ConfigureAwait(false);
        refused.RemoveAll(r => r.Length == 0);
        deleted.Sort(StringComparer.Ordinal);
        string gone = string.Join(", ", deleted);
        if (deleted.Count > 0)
        {
            LogTemplateCopiesDeleted(template, gone);
        }

        if (refused.Count > 0)
        {
            refused.Sort(StringComparer.Ordinal);
            string also = deleted.Count > 0 ? $" (the copies on {gone} were deleted)" : "";
            return HospesError.State($"template '{template}' was not deleted on host '{HostName}': {string.Join("; ", refused)}{also}; run the delete again after that");
        }

        return deleted;
    }

    /// <summary>Null: deleted; "": it had none; else why it kept it.</summary>
    private async Task<string?> DeleteCopyAsync(MemberRecord member, string template, string envelope, CancellationToken ct)
    {
        Result<ForwardHost> target = Target(new RemoteOwner(member, Up: true), $"host '{member.Name}'");
        if (!target.IsOk)
        {
            return target.Error.Message;
        }

        try
        {
            using var ask = new HttpRequestMessage(HttpMethod.Delete, Routes.Path(Routes.ClusterTemplate, template).TrimStart('/') + "?home=" + Uri.EscapeDataString(HostName));
            ask.Headers.Add(EnvelopeHeader, envelope);
            using HttpResponseMessage answer = await Client(target.Value).SendAsync(ask, ct).ConfigureAwait(false);
            if (answer.IsSuccessStatusCode)
            {
                return null;
            }

            if (answer.StatusCode == HttpStatusCode.NotFound)
            {
                return "";
            }

            string body = await answer.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            string why = ErrorMessageOf(body);
            LogTemplateCopyKept(template, member.Name, why);
            return why;
        }
        catch (HttpRequestException e)
        {
            string why = $"host '{member.Name}' did not answer: {e.InnerException?.Message ?? e.Message}";
            LogTemplateCopyKept(template, member.Name, why);
            return why;
        }
    }

    /// <summary>The message of a wire error body, else the body.</summary>
    private static string ErrorMessageOf(string body)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out System.Text.Json.JsonElement error) && error.TryGetProperty("message", out System.Text.Json.JsonElement m) && m.GetString() is { } text ? text : body;
        }
        catch (System.Text.Json.JsonException)
        {
            return body;
        }
    }
}
