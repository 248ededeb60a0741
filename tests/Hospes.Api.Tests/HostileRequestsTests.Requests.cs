using System.Collections;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Hospes.Api.Tests;
/// <summary>The hostile requests the sweep sends: route values, query values and bodies of every wrong shape.</summary>
public sealed partial class HostileRequestsTests
{
    /// <summary>Route parameter values, already escaped as they go on the wire (some are escapes on purpose).</summary>
    private static readonly string[] HostileSegments =
    [
        "",
        "%20",
        "%20%20%09",
        new string('a', 300),
        "..%2F..%2Fetc",
        "..",
        "a%00b",
        "%00",
        "%E2%98%83%F0%9F%98%80%E2%80%AE",
        "%FF%FE",
        "-1",
        "0",
        "2147483648",
        "99999999999999999999999999999999",
        "web%2Fxvda",
    ];


    /// <summary>
    /// The template with every parameter filled by each hostile segment in turn, and a hostile ?name= (the store's
    /// volume routes take their name there; other routes ignore it), now and then a hostile ?force= too.
    /// </summary>
    private static List<string> Paths(string template, Random random)
    {
        bool hasParameters = template.Contains('{', StringComparison.Ordinal);
        var paths = new List<string>();
        foreach (string segment in hasParameters ? HostileSegments : HostileSegments.Take(4).Concat(HostileSegments.Skip(4).Where(_ => random.Next(2) == 0)))
        {
            // A NUL in the path never reaches the app: Kestrel refuses it with a 400 (the test server throws instead).
            // It goes into ?name= only, the path taking a plain value.
            bool nul = segment.Contains("%00", StringComparison.Ordinal);
            string path = Parameter().Replace(template, nul ? "x" : segment);
            string query = $"?name={segment}";
            if (random.Next(4) == 0)
            {
                query += $"&force={HostileSegments[random.Next(HostileSegments.Length)]}";
            }

            paths.Add(path + query);
        }

        return paths;
    }

    private static List<(string Label, Func<HttpContent?> Content)> Bodies(Type? bodyType, Random random)
    {
        var bodies = new List<(string, Func<HttpContent?>)>
        {
            ("none", () => null),
            ("null", () => Json("null")),
            ("[]", () => Json("[]")),
            ("\"x\"", () => Json("\"x\"")),
            ("5", () => Json("5")),
            ("{}", () => Json("{}")),
            ("{ not json", () => Json("{ not json")),
            ("nested objects, depth 100", () => Json(string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100))),
            ("nested arrays, depth 100", () => Json(new string('[', 100) + new string(']', 100))),
            ("invalid UTF-8", () => Bytes([.. "{\"name\":\""u8, 0xFF, 0xFE, 0xC3, .. "\"}"u8], "application/json")),
            ("text/plain", () => Bytes("{}"u8.ToArray(), "text/plain")),
            ("application/xml", () => Bytes("<vm name=\"x\"/>"u8.ToArray(), "application/xml")),
            ("json without a content type", () => Bytes("{}"u8.ToArray(), null)),
        };

        if (bodyType is null)
        {
            return bodies;
        }

        // Each property (and its properties, one level down) with a value of the wrong type, with null, and with a
        // hostile value of its own type; then all of them at once.
        List<(string Path, Type Type)> properties = [.. Properties(bodyType, depth: 0)];
        foreach ((string path, Type type) in properties)
        {
            bodies.Add(($"{path} of the wrong type", () => Json(Nest(path, WrongValue(type)))));
            bodies.Add(($"{path} null", () => Json(Nest(path, "null"))));
            string hostile = HostileValue(type, random);
            bodies.Add(($"{path} = {Shorten(hostile)}", () => Json(Nest(path, hostile))));
        }

        string allWrong = "{" + string.Join(',', properties.Where(p => !p.Path.Contains('.', StringComparison.Ordinal)).Select(p => $"\"{p.Path}\":{WrongValue(p.Type)}")) + "}";
        bodies.Add(("every property of the wrong type", () => Json(allWrong)));
        string allHostile = "{" + string.Join(',', properties.Where(p => !p.Path.Contains('.', StringComparison.Ordinal)).Select(p => $"\"{p.Path}\":{HostileValue(p.Type, random)}")) + "}";
        bodies.Add(("every property hostile", () => Json(allHostile)));
        return bodies;
    }

    /// <summary>1 MiB: as a JSON string, and in each string property of the body's type.</summary>
    private static List<(string Label, Func<HttpContent?> Content)> BigBodies(Type? bodyType)
    {
        string mib = new('x', 1 << 20);
        var bodies = new List<(string, Func<HttpContent?>)> { ("a 1 MiB string", () => Json($"\"{mib}\"")) };
        if (bodyType is not null)
        {
            foreach ((string path, Type type) in Properties(bodyType, depth: 0).Where(p => p.Type == typeof(string)))
            {
                bodies.Add(($"{path} of 1 MiB", () => Json(Nest(path, $"\"{mib}\""))));
            }
        }

        return bodies;
    }

    private static IEnumerable<(string Path, Type Type)> Properties(Type type, int depth)
    {
        foreach (PropertyInfo p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || p.SetMethod is not null))
        {
            string name = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name);
            yield return (name, p.PropertyType);
            if (depth == 0 && IsObject(p.PropertyType))
            {
                foreach ((string inner, Type innerType) in Properties(p.PropertyType, depth + 1))
                {
                    yield return ($"{name}.{inner}", innerType);
                }
            }
        }
    }

    private static bool IsObject(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);

    /// <summary>{"a":{"b":value}} for "a.b".</summary>
    private static string Nest(string path, string value)
    {
        string[] parts = path.Split('.');
        return string.Concat(parts.Select(p => $"{{\"{p}\":")) + value + new string('}', parts.Length);
    }

    private static string WrongValue(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) ? "5"
            : type == typeof(bool) ? "\"x\""
            : type.IsEnum ? "{}"
            : type.IsPrimitive || type == typeof(decimal) ? "\"x\""
            : typeof(IEnumerable).IsAssignableFrom(type) ? "{}"
            : "5";
    }

    private static string HostileValue(Type type, Random random)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        string[] strings =
        [
            "\"\"", "\" \"", "\"../../etc/passwd\"", "\"a\\u0000b\"", $"\"{new string('n', 300)}\"", "\"\\u2603\\ud83d\\ude00\\u202e\"", "\"-1\"",
            "\"/\"", "\"name = \\\"x\\\"\\nmemory = -1\\n\"",
        ];
        string[] numbers = ["-1", "0", "2147483648", "9223372036854775808", "1e400", "-9223372036854775808", "1.5"];
        return type == typeof(string) ? strings[random.Next(strings.Length)]
            : type == typeof(bool) ? "0"
            : type.IsEnum ? "\"no_such_value\""
            : type.IsPrimitive || type == typeof(decimal) ? numbers[random.Next(numbers.Length)]
            : typeof(IEnumerable).IsAssignableFrom(type) ? "[null, 5, \"\"]"
            : "{\"\":null}";
    }

    private static ByteArrayContent Json(string json) => Bytes(Encoding.UTF8.GetBytes(json), "application/json");

    private static ByteArrayContent Bytes(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            content.Headers.ContentType = new(contentType);
        }

        return content;
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();

    /// <summary>The VM's parameter of a /v1/vms/... route ({name} or {vm}).</summary>
    [GeneratedRegex(@"^/v1/vms/\{(name|vm)\}")]
    private static partial Regex VmParameter();
}
