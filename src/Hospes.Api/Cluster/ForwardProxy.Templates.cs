using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Cluster;

/// <summary>`hospes template delete NAME` in a cluster: the other members' copies of this host's template go first.</summary>
internal sealed partial class ForwardProxy
{
    /// <summary>
    /// True when refused here (a member keeps its copy: its linked clones stand on it; nothing of this host's is
    /// deleted); false: this host's delete runs as without a cluster (its own checks and audit row).
    /// </summary>
    private async Task<bool> DeleteTemplateCopiesAsync(HttpContext http, Caller caller, AuditedRequest request)
    {
        string? template = Value(http, "name");
        if (template is null || store.GetTemplate(template) is not { IsOk: true, Value: { Running: false, Clones.Count: 0 } }
            || !gate.Authorize(caller, http.Request.Method, Routes.Template, n => Value(http, n)).IsOk)
        {
            // None here, a running one, one with linked clones here, or not the caller's to delete: this host answers.
            return false;
        }

        Result<IReadOnlyList<string>> copies = await forwarding.DeleteTemplateCopiesAsync(template, http.RequestAborted);
        if (!copies.IsOk)
        {
            await request.RefuseAsync(caller.Display, caller.Source, copies.Error, record: true);
            return true;
        }

        return false;
    }
}
