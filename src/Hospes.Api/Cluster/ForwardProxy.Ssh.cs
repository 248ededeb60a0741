using System.Text.Json;
using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Cluster;

/// <summary>`hospes ssh` to a VM another member owns: the owner answers where the guest is; the key paths are this host's.</summary>
internal sealed partial class ForwardProxy
{
    /// <summary>
    /// The owner's answer with its key paths replaced by this host's (<see cref="NetworksApi.WithLocalKeys"/>): the CLI
    /// runs ssh here, where the owner's paths name nothing (or another host's files). Errors come back unchanged.
    /// </summary>
    private async Task SshTargetAsync(HttpContext http, Caller caller, AuditedRequest request, ForwardHost host)
    {
        string? body = null;
        int status = await SendAsync(http, caller, host, null, relay: false, (_, b) =>
        {
            body = b;
            return Task.CompletedTask;
        });
        if (body is null)
        {
            // Did not answer: the error is written already.
            return;
        }

        if (status == StatusCodes.Status200OK && JsonSerializer.Deserialize<SshTarget>(body, WireJson.Options) is { } target)
        {
            body = JsonSerializer.Serialize(networks.WithLocalKeys(target), WireJson.Options);
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers[HostHeader] = host.Name;
        await http.Response.WriteAsync(body, http.RequestAborted);
        forwarding.LogForwarded(request.Action, caller.Display, host.Name, status);
    }
}
