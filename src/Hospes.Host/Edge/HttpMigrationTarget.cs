using System.Net.Http.Json;
using System.Text.Json;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Json;
using Hospes.Host.Migration;

namespace Hospes.Host.Edge;

/// <summary>A destination hospesd reached over its peer API (`/v1/peer/migrations`), TLS with pinned certificates.</summary>
internal sealed class HttpMigrationTarget(string name, string streamHost, HttpClient client) : IMigrationTarget
{
    public string Name => name;

    public string StreamHost => streamHost;

    public Task<Result<MigrationPrepared>> PrepareAsync(MigrationOffer offer, CancellationToken ct) =>
        SendAsync<MigrationPrepared>(HttpMethod.Post, "v1/peer/migrations", offer, ct);

    public Task<Result<MigrationFinished>> FinishAsync(string id, bool run, bool postcopy, bool probe, CancellationToken ct) =>
        SendAsync<MigrationFinished>(HttpMethod.Post, $"v1/peer/migrations/{Uri.EscapeDataString(id)}/finish", new MigrationFinish(run, postcopy, probe), ct);

    public async Task<Result<bool>> AbortAsync(string id, CancellationToken ct)
    {
        Result<JsonElement> r = await SendAsync<JsonElement>(HttpMethod.Delete, $"v1/peer/migrations/{Uri.EscapeDataString(id)}", null, ct).ConfigureAwait(false);
        return r.IsOk ? true : r.Error;
    }

    private async Task<Result<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body, body.GetType(), options: HospesJson.Options);
            }

            using HttpResponseMessage response = await client.SendAsync(request, ct).ConfigureAwait(false);
            string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return JsonSerializer.Deserialize<T>(text, HospesJson.Options)!;
            }

            ErrorBody? error = null;
            try
            {
                error = JsonSerializer.Deserialize<ErrorBody>(text, HospesJson.Options);
            }
            catch (JsonException)
            {
            }

            return new HospesError(Code(error?.Error.Code), error?.Error.Message ?? $"{name} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
        {
            return HospesError.Unavailable($"cannot reach {name}: {e.Message}") with { Details = [IMigrationTarget.NoAnswer] };
        }
    }

    private static ErrorCode Code(string? code) => code switch
    {
        "invalid_argument" => ErrorCode.InvalidArgument,
        "not_found" => ErrorCode.NotFound,
        "conflict" => ErrorCode.Conflict,
        "invalid_state" => ErrorCode.InvalidState,
        "unavailable" => ErrorCode.Unavailable,
        "timeout" => ErrorCode.Timeout,
        _ => ErrorCode.Internal,
    };
}
