using System.Net;
using System.Text;
using System.Text.Json;
using Hospes.Contracts;

namespace Hospes.Client.Tests.Support;

/// <summary>hospesd as canned answers: each request is recorded and answered by the stub for its method and path.</summary>
internal sealed class StubHandler : HttpMessageHandler
{
    private readonly Dictionary<string, Func<HttpResponseMessage>> _answers = new(StringComparer.Ordinal);

    /// <summary>Every request so far, as "METHOD /path?query" and its body (null without one).</summary>
    public List<(string Request, string? Body)> Requests { get; } = [];

    public string? LastBody => Requests[^1].Body;

    public StubHandler On(string method, string pathAndQuery, HttpStatusCode status, string body, string contentType = "application/json") =>
        On(method, pathAndQuery, () => new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) });

    public StubHandler On(string method, string pathAndQuery, string json) => On(method, pathAndQuery, HttpStatusCode.OK, json);

    public StubHandler On(string method, string pathAndQuery, Func<HttpResponseMessage> answer)
    {
        _answers[$"{method} {pathAndQuery}"] = answer;
        return this;
    }

    /// <summary>An error answer as hospesd sends it.</summary>
    public StubHandler Error(string method, string pathAndQuery, HttpStatusCode status, string code, string message, params string[] details) =>
        On(method, pathAndQuery, status, ErrorJson(code, message, details));

    private static string ErrorJson(string code, string message, string[] details) =>
        JsonSerializer.Serialize(new ErrorBody(new ErrorDetail(code, message, details)), WireJson.Options);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string key = $"{request.Method} {request.RequestUri!.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped)}";
        string? body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((key, body));
        return _answers.TryGetValue(key, out Func<HttpResponseMessage>? answer)
            ? answer()
            : new HttpResponseMessage(HttpStatusCode.NotFound)
            {
                Content = new StringContent(ErrorJson("not_found", $"no stub for {key}", []), Encoding.UTF8, "application/json"),
            };
    }
}
