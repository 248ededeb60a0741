using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Hospes.Client.Transport;
using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>Requests and answers; the one place where error bodies and transport failures become <see cref="HospesApiException"/>.</summary>
public sealed partial class HospesConnection
{
    internal async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using HttpResponseMessage response = await SendCheckedAsync(method, path, body, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        T? value;
        try
        {
            value = await response.Content.ReadFromJsonAsync<T>(WireJson.Options, ct).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw Unreadable(method, path, e.Message, e);
        }

        return value ?? throw Unreadable(method, path, null, null);
    }

    internal async Task<string> GetTextAsync(string path, CancellationToken ct)
    {
        using HttpResponseMessage response = await SendCheckedAsync(HttpMethod.Get, path, null, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A streamed answer (application/x-ndjson), one item per line as it arrives; a refusal comes before the first.</summary>
    internal async IAsyncEnumerable<T> StreamAsync<T>(HttpMethod method, string path, object? body, [EnumeratorCancellation] CancellationToken ct)
    {
        using HttpResponseMessage response = await SendCheckedAsync(method, path, body, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        Stream stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        while (true)
        {
            string? line;
            T? item;
            try
            {
                line = await reader.ReadLineAsync(ct).ConfigureAwait(false);
                item = string.IsNullOrEmpty(line) ? default : JsonSerializer.Deserialize<T>(line, WireJson.Options);
            }
            catch (JsonException e)
            {
                throw Unreadable(method, path, e.Message, e);
            }
            catch (Exception e) when (Failure(e, ct) is { } failure)
            {
                throw failure;
            }

            if (line is null)
            {
                yield break;
            }

            if (item is not null)
            {
                yield return item;
            }
        }
    }

    /// <summary>An API WebSocket over the same transport; <paramref name="failure"/> begins the message when it cannot open.</summary>
    internal async Task<ClientWebSocket> ConnectWebSocketAsync(string path, string failure, CancellationToken ct)
    {
        var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        if (_bearer is not null)
        {
            ws.Options.SetRequestHeader("Authorization", $"Bearer {_bearer}");
        }

        try
        {
            await ws.ConnectAsync(new Uri(_webSockets, WithProject(path)), new HttpMessageInvoker(_handler, disposeHandler: false), ct).ConfigureAwait(false);
            return ws;
        }
        catch (WebSocketException e)
        {
            HttpStatusCode status = ws.HttpStatusCode;
            ws.Dispose();
            if (CertificateMismatch(e) is { } mismatch)
            {
                throw mismatch;
            }

            if (status == HttpStatusCode.Unauthorized && _pin is not null)
            {
                throw new HospesApiException(ErrorCodes.Unauthenticated, $"{failure}: {Unauthenticated(null)}", inner: e) { Status = status };
            }

            throw new HospesApiException(ErrorCodes.Internal, $"{failure}: {e.Message}", inner: e)
            {
                Delivery = Find<ConnectFailedException>(e) is not null ? Delivery.NotDelivered : status != 0 ? Delivery.Answered : Delivery.NoAnswer,
                Status = status == 0 ? null : status,
            };
        }
    }

    /// <summary>The path with <see cref="Project"/> as ?project= (or &amp;project= after a query), unless it names one already.</summary>
    internal string WithProject(string path) =>
        Project is not { Length: > 0 } project || path.Contains("?project=", StringComparison.Ordinal) || path.Contains("&project=", StringComparison.Ordinal)
            ? path
            : Routes.Query(path, "project", project);

    private async Task<HttpResponseMessage> SendCheckedAsync(HttpMethod method, string path, object? body, HttpCompletionOption completion, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, WithProject(path));
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body, body.GetType(), options: WireJson.Options);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (Failure(e, ct) is { } failure)
        {
            throw failure;
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            HospesApiException refusal = await FromAnswerAsync(response, method, path, ct).ConfigureAwait(false);
            throw response.StatusCode == HttpStatusCode.Unauthorized && _pin is not null
                ? new HospesApiException(ErrorCodes.Unauthenticated, Unauthenticated(refusal.HasErrorBody ? refusal.Message : null), refusal.Details)
                {
                    Status = refusal.Status,
                    Reason = refusal.Reason,
                    HasErrorBody = refusal.HasErrorBody,
                }
                : refusal;
        }
    }

    /// <summary>A status other than 2xx: the error body's code, message and details, or the status when it has none.</summary>
    private static async Task<HospesApiException> FromAnswerAsync(HttpResponseMessage response, HttpMethod method, string path, CancellationToken ct)
    {
        ErrorDetail? error = null;
        try
        {
            error = (await response.Content.ReadFromJsonAsync<ErrorBody>(WireJson.Options, ct).ConfigureAwait(false))?.Error;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or IOException or HttpRequestException)
        {
        }

        HttpStatusCode status = response.StatusCode;
        return error is { Code: not null, Message: not null }
            ? new HospesApiException(error.Code, error.Message, error.Details) { Status = status, Reason = response.ReasonPhrase, HasErrorBody = true }
            : new HospesApiException(ErrorCodes.Internal, $"hospesd answered {(int)status} {status} to {method} {path}") { Status = status, Reason = response.ReasonPhrase };
    }

    /// <summary>
    /// What a transport failure means for the request; null for the caller's own cancellation (it goes on as it is)
    /// and for exceptions that are bugs, not failures.
    /// </summary>
    private HospesApiException? Failure(Exception e, CancellationToken ct)
    {
        if (e is OperationCanceledException && ct.IsCancellationRequested)
        {
            return null;
        }

        if (CertificateMismatch(e) is { } mismatch)
        {
            return mismatch;
        }

        if (Find<ConnectFailedException>(e) is { } connect)
        {
            return new HospesApiException(HospesApiException.Unreachable, $"cannot reach hospesd at {Target} ({connect.Message}){_unreachableHint}", inner: e)
            {
                Delivery = Delivery.NotDelivered,
                TimedOut = connect.TimedOut,
            };
        }

        if (e is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError })
        {
            return new HospesApiException(HospesApiException.Unreachable, $"cannot reach hospesd at {Target} ({e.Message}){_unreachableHint}", inner: e)
            {
                Delivery = Delivery.NotDelivered,
            };
        }

        if (e is OperationCanceledException)
        {
            return new HospesApiException(HospesApiException.Unreachable, string.Create(CultureInfo.InvariantCulture, $"hospesd at {Target} did not answer within {_http.Timeout.TotalSeconds:0} s"), inner: e)
            {
                Delivery = Delivery.NoAnswer,
                TimedOut = true,
            };
        }

        return e is HttpRequestException or IOException
            ? new HospesApiException(HospesApiException.Unreachable, $"cannot talk to hospesd at {Target}: {e.Message}", inner: e) { Delivery = Delivery.NoAnswer }
            : null;
    }

    /// <summary>A 2xx whose body is not what was asked for: whatever the other side did, this side cannot tell.</summary>
    private static HospesApiException Unreadable(HttpMethod method, string path, string? why, Exception? inner) =>
        new(ErrorCodes.Internal, why is null ? $"hospesd sent an empty answer to {method} {path}" : $"hospesd sent an unreadable answer to {method} {path}: {why}", inner: inner)
        {
            Delivery = Delivery.NoAnswer,
        };

    private static TException? Find<TException>(Exception? e)
        where TException : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is TException found)
            {
                return found;
            }
        }

        return null;
    }
}
