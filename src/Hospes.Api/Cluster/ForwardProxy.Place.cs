using System.Globalization;
using System.Net.Http.Json;
using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Cluster;

/// <summary>Placement of `hospes create` / `define` in a cluster: the scheduler's hosts tried in turn while a host's memory admission refuses.</summary>
internal sealed partial class ForwardProxy
{
    private async Task<bool> PlaceAsync(HttpContext http, Caller caller, AuditedRequest request)
    {
        CancellationToken ct = http.RequestAborted;
        if (!http.Request.HasJsonContentType())
        {
            return false;
        }

        http.Request.EnableBuffering();
        CreateVmRequest? create = await http.Request.ReadFromJsonAsync<CreateVmRequest>(WireJson.Options, ct);
        http.Request.Body.Position = 0;
        ConfigCheckResponse? check = create?.Source is null ? null : vms.Check(create.Source);
        if (create is null || check is not { Ok: true, Spec: { } spec })
        {
            // A config with errors: this host's create names them, as without a cluster.
            return false;
        }

        Result<IReadOnlyList<ForwardHost>> hosts = await forwarding.PlaceAsync(spec.Name, Math.Max(spec.MemoryMib, spec.MaxMemoryMib), create.Host, ct);
        if (!hosts.IsOk)
        {
            await request.RefuseAsync(caller.Display, caller.Source, hosts.Error, record: true);
            return true;
        }

        CreateVmRequest placed = create with { Host = null };
        for (int i = 0; i < hosts.Value.Count; i++)
        {
            ForwardHost host = hosts.Value[i];
            bool last = i == hosts.Value.Count - 1;
            if (host.IsLocal)
            {
                Result<bool> allowed = gate.Authorize(caller, http.Request.Method, Routes.Vms, n => Value(http, n));
                if (!allowed.IsOk)
                {
                    await request.RefuseAsync(caller.Display, caller.Source, allowed.Error, record: true);
                    return true;
                }

                string? project = Value(http, "project");
                if (project is not null && gate.CheckProject(http.Request.Method, Routes.Vms, project, n => Value(http, n)) is { IsOk: false } noProject)
                {
                    await request.RefuseAsync(caller.Display, caller.Source, noProject.Error, record: true);
                    return true;
                }

                Result<CreateVmResponse> made = await vms.CreateAsync(placed, caller, ct, Projects.OrDefault(project));
                if (!made.IsOk && !last && Refused(made.Error))
                {
                    continue;
                }

                await ApiResults.From(made, StatusCodes.Status201Created).ExecuteAsync(http);
                request.Record(caller.Display, caller.Source, string.Create(CultureInfo.InvariantCulture, $"{http.Response.StatusCode} (placed on host {host.Name})"));
                forwarding.LogPlaced(spec.Name, host.Name);
                return true;
            }

            string? body = null;
            int status = await SendAsync(http, caller, host, Json(placed), relay: false, (_, b) =>
            {
                body = b;
                return Task.CompletedTask;
            });
            if (body is null)
            {
                // Did not answer: the error is written already, unless another host may take the VM.
                return true;
            }

            bool admissionRefused = status == StatusCodes.Status422UnprocessableEntity && body.Contains("cannot start", StringComparison.Ordinal);
            if (admissionRefused && !last)
            {
                continue;
            }

            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json; charset=utf-8";
            http.Response.Headers[HostHeader] = host.Name;
            await http.Response.WriteAsync(status < 300 ? body : Prefixed(body, $"on host '{host.Name}' (where the scheduler placed VM '{spec.Name}'): "), ct);
            request.Record(caller.Display, caller.Source, string.Create(CultureInfo.InvariantCulture, $"{status} (placed on host {host.Name})"));
            forwarding.LogPlaced(spec.Name, host.Name);
            return true;
        }

        return true;
    }

    /// <summary>A host's memory admission said no: the next host may take it.</summary>
    private static bool Refused(HospesError error) =>
        error.Code == ErrorCode.Unavailable && error.Message.StartsWith("cannot start", StringComparison.Ordinal);
}
