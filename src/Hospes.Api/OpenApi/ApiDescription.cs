using Hospes.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Hospes.Api.OpenApi;

/// <summary>
/// The API's OpenAPI 3.1 description at <see cref="Routes.OpenApi"/>, generated from the endpoints (paths, parameters,
/// request bodies) with what they answer from <see cref="ApiShapes"/>.
/// </summary>
internal static class ApiDescription
{
    private const string DocumentName = "v1";
    private const string BearerScheme = "bearer";

    public static void AddHospesOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Hospes API",
                    Version = DocumentName,
                    Description = "hospesd's REST + WebSocket API. JSON is snake_case; every error is {\"error\": {\"code\", \"message\", \"details\"}}. "
                        + "On the unix socket the caller is the local user; over HTTPS (hospesd --listen) a Bearer token (`hospes token create`).",
                };

                // A token over HTTPS; nothing on the unix socket (the empty requirement: none needed there).
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A Hospes API token (hospes_ID_SECRET), made on the host with `hospes token create USER`; HTTPS only",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }, new OpenApiSecurityRequirement()];
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(ShapeTransformer.ApplyAsync);

            // Operations are tagged by feature (ShapeTransformer); the tags ASP.NET made (the app's and the handlers' class names) go.
            o.AddDocumentTransformer((document, _, _) =>
            {
                HashSet<string?> used = [.. document.Paths.Values
                    .SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
                    .SelectMany(op => op.Tags?.AsEnumerable() ?? [])
                    .Select(t => t.Name)];
                if (document.Tags is { } tags)
                {
                    document.Tags = new HashSet<OpenApiTag>(tags.Where(t => used.Contains(t.Name)));
                }

                return Task.CompletedTask;
            });
        });

    public static void MapHospesOpenApi(this IEndpointRouteBuilder app) => app.MapOpenApi(Routes.OpenApi);
}
