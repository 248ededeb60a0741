using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>`hospes cert`: TLS client certificates that log in as users over HTTPS.</summary>
internal static class CertificateEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Certificates, (UserCertificatesApi certificates) => ApiResults.From(certificates.List(null)));
        app.MapGet(Routes.UserCertificates, (string name, UserCertificatesApi certificates) => ApiResults.From(certificates.List(name)));
        app.MapPost(Routes.UserCertificates, async (string name, UserCertificateRequest request, UserCertificatesApi certificates, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => certificates.Add(name, request), ct), StatusCodes.Status201Created));
        app.MapDelete(Routes.UserCertificate, async (string name, string fingerprint, UserCertificatesApi certificates, AccessWrites writes, CancellationToken ct) =>
            ApiResults.From(await writes.RunAsync(() => certificates.Remove(name, fingerprint), ct)));
    }
}
