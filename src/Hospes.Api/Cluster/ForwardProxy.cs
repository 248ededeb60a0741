using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Cluster;

/// <summary>
/// In a cluster, a request for a VM another member owns is sent there (issue 17): the same method, path, query and
/// body, with the caller in an envelope instead of their credentials; the owner authorizes it again and its answer
/// (status, body, a stream) comes back unchanged. WebSockets (console, display, tcp) are relayed to the owner
/// (<see cref="SocketAsync"/>). A create or define is placed by the scheduler (<see cref="PlaceAsync"/>).
/// </summary>
internal sealed partial class ForwardProxy(ClusterForwarding forwarding, VmsApi vms, AccessGate gate, ConsoleTickets tickets, StoreApi store, NetworksApi networks)
{
    /// <summary>Answers from another host say which one.</summary>
    public const string HostHeader = "Hospes-Host";

    /// <summary>True when the request was answered here (forwarded, placed, or refused); false: it is this host's own.</summary>
    public async Task<bool> TryAsync(HttpContext http, Caller caller, AuditedRequest request, RequestDelegate next)
    {
        if (!forwarding.InCluster || http.Request.Headers.ContainsKey(ClusterForwarding.EnvelopeHeader)
            || http.GetEndpoint() is not RouteEndpoint { RoutePattern.RawText: { } template })
        {
            return false;
        }

        if (template == Routes.Vms && HttpMethods.IsPost(http.Request.Method))
        {
            return await PlaceAsync(http, caller, request);
        }

        if (template == Routes.TemplateClone && HttpMethods.IsPost(http.Request.Method))
        {
            return await SpreadClonesAsync(http, caller, request);
        }

        if (template == Routes.Template && HttpMethods.IsDelete(http.Request.Method))
        {
            return await DeleteTemplateCopiesAsync(http, caller, request);
        }

        if (VmOf(http, template) is not { } vm || vms.Get(vm).IsOk)
        {
            return false;
        }

        Result<ForwardHost>? owner = await forwarding.OwnerAsync(vm, http.RequestAborted);
        if (owner is not { } found)
        {
            return false;
        }

        bool changes = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
        if (!found.IsOk)
        {
            await request.RefuseAsync(caller.Display, caller.Source, found.Error, record: changes);
            return true;
        }

        ForwardHost host = found.Value;
        if (Sockets.Contains(template))
        {
            await SocketAsync(http, caller, request, host, template, vm, next);
            return true;
        }

        if (template == Routes.VmConsoleTicket)
        {
            await TicketAsync(http, caller, request, host, vm);
            return true;
        }

        if (template == Routes.VmSsh)
        {
            await SshTargetAsync(http, caller, request, host);
            return true;
        }

        HttpContent? body = http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0 ? new StreamContent(http.Request.Body) : null;
        if (body is not null && http.Request.ContentType is { } type)
        {
            body.Headers.TryAddWithoutValidation("Content-Type", type);
        }

        int status = await SendAsync(http, caller, host, body, relay: true);
        if (changes)
        {
            request.Record(caller.Display, caller.Source, string.Create(CultureInfo.InvariantCulture, $"{status} (forwarded to host {host.Name})"));
        }

        forwarding.LogForwarded(request.Action, caller.Display, host.Name, status);
        return true;
    }

    /// <summary>
    /// Sends the request to <paramref name="host"/>. <paramref name="relay"/>: its answer is copied to the caller as it
    /// comes (a stream too); else it is kept and returned for the caller to decide. A host that does not answer is a 422
    /// naming it.
    /// </summary>
    private async Task<int> SendAsync(HttpContext http, Caller caller, ForwardHost host, HttpContent? body, bool relay, Func<int, string, Task>? kept = null)
    {
        CancellationToken ct = http.RequestAborted;
        using var message = new HttpRequestMessage(new HttpMethod(http.Request.Method), (http.Request.Path + http.Request.QueryString).ToString().TrimStart('/')) { Content = body };
        message.Headers.Add(ClusterForwarding.EnvelopeHeader, forwarding.EnvelopeOf(caller));
        if (http.Request.Headers.Accept.Count > 0)
        {
            message.Headers.TryAddWithoutValidation("Accept", http.Request.Headers.Accept.ToArray());
        }

        HttpResponseMessage answer;
        try
        {
            answer = await forwarding.Client(host).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            var error = HospesError.Unavailable($"host '{host.Name}' at {host.Address}, which answers for this VM, did not answer: {e.InnerException?.Message ?? e.Message}; `hospes cluster list` shows whether it is up");
            await ApiResults.Error(error).ExecuteAsync(http);
            return ApiResults.Status(error.Code);
        }

        using (answer)
        {
            int status = (int)answer.StatusCode;
            if (!relay)
            {
                await kept!(status, await answer.Content.ReadAsStringAsync(ct));
                return status;
            }

            http.Response.StatusCode = status;
            http.Response.Headers[HostHeader] = host.Name;
            if (answer.Content.Headers.ContentType is { } type)
            {
                http.Response.ContentType = type.ToString();
            }

            if (answer.Headers.RetryAfter is { } retry)
            {
                http.Response.Headers.RetryAfter = retry.ToString();
            }

            await using Stream from = await answer.Content.ReadAsStreamAsync(ct);
            byte[] buffer = new byte[16384];
            int read;
            while ((read = await from.ReadAsync(buffer, ct)) > 0)
            {
                await http.Response.Body.WriteAsync(buffer.AsMemory(0, read), ct);
                await http.Response.Body.FlushAsync(ct);
            }

            return status;
        }
    }

    /// <summary>
    /// The VM a request is for, when the owner answers it: a route under /v1/vms/{name|vm}/, and the event stream of one
    /// VM (?vm=, unless ?cluster=true). A restore (its save file is this host's) and a clone (its template is this host's) stay here: the
    /// name's claim refuses them naming the owner when another host owns it.
    /// </summary>
    private static string? VmOf(HttpContext http, string template) =>
        template.StartsWith(Routes.Vms + "/{", StringComparison.Ordinal) ? Value(http, "name") ?? Value(http, "vm")
            : template == Routes.Events && http.Request.Query["vm"] is [{ Length: > 0 } one] && !one.Contains(',', StringComparison.Ordinal) && !AllMembers(http) ? one
            : null;

    /// <summary>`?cluster=true` on the event stream: it follows every member itself (the VM's events wherever it runs), nothing to forward.</summary>
    private static bool AllMembers(HttpContext http) => bool.TryParse(http.Request.Query["cluster"], out bool all) && all;

    /// <summary>A route value, else the query's.</summary>
    private static string? Value(HttpContext http, string name) =>
        http.Request.RouteValues.TryGetValue(name, out object? value) && value is not null
            ? Convert.ToString(value, CultureInfo.InvariantCulture)
            : http.Request.Query.TryGetValue(name, out var query) ? query.ToString() : null;

    /// <summary>The wire error body's message with a prefix (the host it came from); the body unchanged when it is not one.</summary>
    private static string Prefixed(string body, string prefix)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject { } o && o["error"] is JsonObject error && error["message"]?.GetValue<string>() is { } text)
            {
                error["message"] = prefix + text;
                return o.ToJsonString();
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return body;
    }

    private static JsonContent Json(CreateVmRequest request) => JsonContent.Create(request, options: WireJson.Options);
}
