using System.Globalization;
using Hospes.Contracts;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace Hospes.Api.OpenApi;

/// <summary>Puts each operation's answers from <see cref="ApiShapes"/> into the description: the success's shape and the error body for its errors.</summary>
internal static class ShapeTransformer
{
    public static async Task ApplyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        // A route without a row keeps what ASP.NET inferred; ApiShapesTests fails for it.
        if (ApiShapes.Find(context.Description.HttpMethod ?? "", context.Description.RelativePath ?? "") is not { } shape)
        {
            return;
        }

        operation.Summary ??= shape.Summary;
        if (context.Document is { } document)
        {
            string tag = Tag(shape.Template);
            document.Tags ??= new HashSet<OpenApiTag>();
            if (!document.Tags.Any(t => t.Name == tag))
            {
                document.Tags.Add(new OpenApiTag { Name = tag });
            }

            operation.Tags = new HashSet<OpenApiTagReference> { new(tag, document) };
        }

        var responses = new OpenApiResponses
        {
            [Status(shape.Status)] = await SuccessAsync(shape, context, ct),
        };
        IOpenApiSchema error = await ComponentAsync(typeof(ErrorBody), context, ct);
        foreach (int status in ApiShapes.Errors(shape))
        {
            responses[Status(status)] = new OpenApiResponse
            {
                Description = ReasonPhrases.GetReasonPhrase(status),
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = error } },
            };
        }

        operation.Responses = responses;
    }

    private static async Task<OpenApiResponse> SuccessAsync(ApiShape shape, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        string reason = ReasonPhrases.GetReasonPhrase(shape.Status);
        if (shape.Kind == ShapeKind.WebSocket || shape.Response is null)
        {
            return new OpenApiResponse { Description = $"{reason}: {shape.Summary ?? "a WebSocket"}" };
        }

        string mediaType = shape.Kind switch
        {
            ShapeKind.Ndjson => "application/x-ndjson",
            ShapeKind.Text => "text/plain",
            _ => "application/json",
        };
        return new OpenApiResponse
        {
            Description = shape.Kind == ShapeKind.Ndjson ? $"{reason}: one JSON object per line" : reason,
            Content = new Dictionary<string, OpenApiMediaType> { [mediaType] = new() { Schema = await ComponentAsync(shape.Response, context, ct) } },
        };
    }

    /// <summary>
    /// A record's schema as a reference to components/schemas/NAME (its type's name, as ASP.NET names request bodies);
    /// an array of records as an array of such references; anything else inline.
    /// </summary>
    private static async Task<IOpenApiSchema> ComponentAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (type.IsArray && type.GetElementType() is { } item)
        {
            return new OpenApiSchema { Type = JsonSchemaType.Array, Items = await ComponentAsync(item, context, ct) };
        }

        IOpenApiSchema schema = await context.GetOrCreateSchemaAsync(type, null, ct);
        if (type.IsPrimitive || type == typeof(string) || context.Document is not { } document)
        {
            return schema;
        }

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.Schemas.TryAdd(type.Name, schema);
        return new OpenApiSchemaReference(type.Name, document);
    }

    /// <summary>The feature a route belongs to, for grouping in viewers: a VM's snapshots are the store's, its port forwards the network's.</summary>
    private static string Tag(string template)
    {
        string[] s = template.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string feature = s.Length > 3 && s[1] == "vms" ? s[3] : s.Length > 2 && s[1] == "host" ? s[2] : s[1];
        return feature switch
        {
            "restore" or "start" or "pause" or "unpause" or "destroy" or "shutdown" or "reboot" or "save" => "vms",
            "disk" or "disks" or "templates" or "snapshots" => "store",
            "vifs" or "port-forwards" or "ssh" or "tcp" => "networks",
            "top" => "memory",
            "migrate" or "migration" => "migration",
            "tokens" => "peers",
            "config" => "host",
            _ => feature,
        };
    }

    private static string Status(int status) => status.ToString(CultureInfo.InvariantCulture);
}
