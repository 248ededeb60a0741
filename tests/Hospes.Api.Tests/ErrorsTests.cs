using System.Net;
using System.Net.Http.Json;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hospes.Api.Tests;

/// <summary>Errors on the wire: one HTTP status and one code string per kind, and the error body everywhere.</summary>
public sealed class ErrorsTests
{
    [Theory]
    [InlineData(ErrorCode.InvalidArgument, 400, "invalid_argument")]
    [InlineData(ErrorCode.NotFound, 404, "not_found")]
    [InlineData(ErrorCode.Conflict, 409, "conflict")]
    [InlineData(ErrorCode.InvalidState, 409, "invalid_state")]
    [InlineData(ErrorCode.Unavailable, 422, "unavailable")]
    [InlineData(ErrorCode.Timeout, 504, "timeout")]
    [InlineData(ErrorCode.Internal, 500, "internal")]
    [InlineData(ErrorCode.Unauthenticated, 401, "unauthenticated")]
    [InlineData(ErrorCode.Forbidden, 403, "forbidden")]
    [InlineData(ErrorCode.TooManyRequests, 429, "too_many_requests")]
    public async Task EachErrorKind_HasOneStatusAndOneCode(ErrorCode code, int status, string wire)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        http.Response.Body = new MemoryStream();

        await ApiResults.Error(new HospesError(code, "what went wrong") { Details = ["a detail"] }).ExecuteAsync(http);

        Assert.Equal(status, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        ErrorBody body = (await System.Text.Json.JsonSerializer.DeserializeAsync<ErrorBody>(http.Response.Body, WireJson.Options))!;
        Assert.Equal(new ErrorDetail(wire, "what went wrong", ["a detail"]) with { Details = body.Error.Details }, body.Error);
        Assert.Equal(["a detail"], body.Error.Details);
    }

    [Fact]
    public void EveryErrorKind_IsInTheTable() =>
        Assert.Equal(10, Enum.GetValues<ErrorCode>().Length);

    [Fact]
    public async Task AnUnknownRoute_IsNotFound_WithTheErrorBody()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage r = await api.Http.GetAsync(new Uri("/v1/nothing-here", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        ErrorBody? body = await r.Content.ReadFromJsonAsync<ErrorBody>(WireJson.Options);
        Assert.Equal(new ErrorDetail("not_found", "no such API endpoint; the API lives under /v1", []) with { Details = body!.Error.Details }, body.Error);
    }

    [Fact]
    public async Task AMalformedBody_IsABadRequest_ThatSaysSo()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage r = await api.Http.PostAsync(new Uri(Routes.Vms, UriKind.Relative), new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        ErrorBody? body = await r.Content.ReadFromJsonAsync<ErrorBody>(WireJson.Options);
        Assert.Equal("invalid_argument", body!.Error.Code);
        Assert.StartsWith("malformed request: ", body.Error.Message, StringComparison.Ordinal);
    }
}
