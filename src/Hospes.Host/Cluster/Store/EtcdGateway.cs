using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hospes.Host.Cluster.Store;

/// <summary>
/// etcd 3.4 through its JSON gateway (`/v3/...` on the client URL) over HTTPS with mutual TLS: this host's member
/// certificate as client certificate, the server accepted when the cluster's CA signed it. Keys and values are
/// base64 in JSON, 64-bit numbers strings. Endpoints are tried in order; the first that answers is kept.
/// </summary>
internal sealed class EtcdGateway : IClusterStore
{
    /// <summary>A linearizable request waits for a quorum; past this it is taken as lost.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>What etcd answers while its member has no leader (a candidate drops proposals) or cannot commit.</summary>
    private static readonly string[] NoQuorum = ["no leader", "proposal dropped", "request timed out", "leader changed", "timed out"];

    private readonly IReadOnlyList<string> _endpoints;
    private readonly HttpClient _http;
    private readonly HttpClient _streams;
    private int _current;

    /// <param name="ca">Null: the server's certificate is checked against the system's trust (an admin's etcd).</param>
    /// <param name="client">Null: no client certificate (an admin's etcd without client-cert-auth).</param>
    public EtcdGateway(IReadOnlyList<string> endpoints, X509Certificate2? ca, X509Certificate2? client)
    {
        _endpoints = endpoints.Count > 0 ? endpoints : throw new ArgumentException("no etcd endpoint", nameof(endpoints));
        _http = new HttpClient(Handler(ca, client), disposeHandler: true) { Timeout = RequestTimeout };
        _streams = new HttpClient(Handler(ca, client), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public IReadOnlyList<string> Endpoints => _endpoints;

    public async Task<StoreEntry?> GetAsync(string key, CancellationToken ct)
    {
        JsonObject answer = await CallAsync("/v3/kv/range", new JsonObject { ["key"] = B64(key) }, ct).ConfigureAwait(false);
        return Entries(answer).FirstOrDefault();
    }

    public async Task<IReadOnlyList<StoreEntry>> ListAsync(string prefix, CancellationToken ct)
    {
        JsonObject answer = await CallAsync("/v3/kv/range", new JsonObject { ["key"] = B64(prefix), ["range_end"] = RangeEnd(prefix) }, ct).ConfigureAwait(false);
        return [.. Entries(answer)];
    }

    public async Task PutAsync(string key, string value, long lease, CancellationToken ct) =>
        await CallAsync("/v3/kv/put", Put(new StorePut(key, value, lease)), ct).ConfigureAwait(false);

    public async Task<bool> DeleteAsync(string key, CancellationToken ct)
    {
        JsonObject answer = await CallAsync("/v3/kv/deleterange", new JsonObject { ["key"] = B64(key) }, ct).ConfigureAwait(false);
        return Long(answer["deleted"]) > 0;
    }

    public async Task<bool> CreateAllAsync(IReadOnlyList<StorePut> puts, CancellationToken ct)
    {
        var compare = new JsonArray();
        var success = new JsonArray();
        foreach (StorePut put in puts)
        {
            compare.Add(new JsonObject { ["key"] = B64(put.Key), ["target"] = "CREATE", ["result"] = "EQUAL", ["create_revision"] = "0" });
            success.Add(new JsonObject { ["request_put"] = Put(put) });
        }

        JsonObject answer = await CallAsync("/v3/kv/txn", new JsonObject { ["compare"] = compare, ["success"] = success }, ct).ConfigureAwait(false);
        return answer["succeeded"]?.GetValue<bool>() == true;
    }

    public async Task<bool> DeleteIfAsync(string key, string value, CancellationToken ct)
    {
        var request = new JsonObject
        {
            ["compare"] = new JsonArray(new JsonObject { ["key"] = B64(key), ["target"] = "VALUE", ["result"] = "EQUAL", ["value"] = B64(value) }),
            ["success"] = new JsonArray(new JsonObject { ["request_delete_range"] = new JsonObject { ["key"] = B64(key) } }),
        };
        JsonObject answer = await CallAsync("/v3/kv/txn", request, ct).ConfigureAwait(false);
        return answer["succeeded"]?.GetValue<bool>() == true;
    }

    public async Task<bool> PutAllIfAsync(string key, string expected, IReadOnlyList<StorePut> puts, CancellationToken ct)
    {
        var request = new JsonObject
        {
            ["compare"] = new JsonArray(new JsonObject { ["key"] = B64(key), ["target"] = "VALUE", ["result"] = "EQUAL", ["value"] = B64(expected) }),
            ["success"] = new JsonArray([.. puts.Select(p => (JsonNode)new JsonObject { ["request_put"] = Put(p) })]),
        };
        JsonObject answer = await CallAsync("/v3/kv/txn", request, ct).ConfigureAwait(false);
        return answer["succeeded"]?.GetValue<bool>() == true;
    }

    public async Task<bool> CreateAllIfAsync(IReadOnlyList<StorePut> creates, string key, string expected, IReadOnlyList<StorePut> puts, CancellationToken ct)
    {
        var compare = new JsonArray(new JsonObject { ["key"] = B64(key), ["target"] = "VALUE", ["result"] = "EQUAL", ["value"] = B64(expected) });
        var success = new JsonArray();
        foreach (StorePut create in creates)
        {
            compare.Add(new JsonObject { ["key"] = B64(create.Key), ["target"] = "CREATE", ["result"] = "EQUAL", ["create_revision"] = "0" });
            success.Add(new JsonObject { ["request_put"] = Put(create) });
        }

        foreach (StorePut put in puts)
        {
            success.Add(new JsonObject { ["request_put"] = Put(put) });
        }

        JsonObject answer = await CallAsync("/v3/kv/txn", new JsonObject { ["compare"] = compare, ["success"] = success }, ct).ConfigureAwait(false);
        return answer["succeeded"]?.GetValue<bool>() == true;
    }

    public async Task<bool> CommitIfAsync(IReadOnlyList<StoreCompare> compares, IReadOnlyList<StorePut> puts, CancellationToken ct)
    {
        var compare = new JsonArray([.. compares.Select(c => (JsonNode)(c.Value is null
            ? new JsonObject { ["key"] = B64(c.Key), ["target"] = "CREATE", ["result"] = "EQUAL", ["create_revision"] = "0" }
            : new JsonObject { ["key"] = B64(c.Key), ["target"] = "VALUE", ["result"] = "EQUAL", ["value"] = B64(c.Value) }))]);
        var success = new JsonArray([.. puts.Select(p => (JsonNode)new JsonObject { ["request_put"] = Put(p) })]);
        JsonObject answer = await CallAsync("/v3/kv/txn", new JsonObject { ["compare"] = compare, ["success"] = success }, ct).ConfigureAwait(false);
        return answer["succeeded"]?.GetValue<bool>() == true;
    }

    public async Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken ct)
    {
        JsonObject answer = await CallAsync("/v3/lease/grant", new JsonObject { ["TTL"] = (long)ttl.TotalSeconds }, ct).ConfigureAwait(false);
        return Long(answer["ID"]);
    }

    public async Task<TimeSpan> KeepAliveAsync(long lease, CancellationToken ct)
    {
        // A streaming RPC: one request per POST; the first line is its answer.
        JsonObject answer = await CallAsync("/v3/lease/keepalive", new JsonObject { ["ID"] = lease.ToString(CultureInfo.InvariantCulture) }, ct).ConfigureAwait(false);
        JsonNode? result = answer["result"] ?? answer;
        return TimeSpan.FromSeconds(Long(result["TTL"]));
    }

    public async Task RevokeLeaseAsync(long lease, CancellationToken ct) =>
        await CallAsync("/v3/lease/revoke", new JsonObject { ["ID"] = lease.ToString(CultureInfo.InvariantCulture) }, ct).ConfigureAwait(false);

    public async IAsyncEnumerable<StoreChange> WatchAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken ct)
    {
        var create = new JsonObject { ["key"] = B64(prefix), ["range_end"] = RangeEnd(prefix), ["start_revision"] = (afterRevision + 1).ToString(CultureInfo.InvariantCulture) };
        string endpoint = _endpoints[_current];
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint + "/v3/watch") { Content = JsonContent.Create(new JsonObject { ["create_request"] = create }) };
        HttpResponseMessage response;
        try
        {
            response = await _streams.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(endpoint, e);
        }

        using (response)
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
            while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                if (JsonNode.Parse(line)?["result"] is not JsonObject result || result["events"] is not JsonArray events)
                {
                    continue;
                }

                foreach (JsonNode? e in events)
                {
                    JsonNode kv = e!["kv"]!;
                    bool deleted = (string?)e["type"] == "DELETE";
                    yield return new StoreChange(Text(kv["key"]), deleted ? null : Text(kv["value"]), deleted, Long(kv["mod_revision"]));
                }
            }
        }
    }

    public async Task CampaignAsync(string name, long lease, string value, CancellationToken ct)
    {
        // Blocks until elected: no request timeout, the caller's token ends it.
        var body = new JsonObject { ["name"] = B64(name), ["lease"] = lease.ToString(CultureInfo.InvariantCulture), ["value"] = B64(value) };
        string endpoint = _endpoints[_current];
        try
        {
            using HttpResponseMessage response = await _streams.PostAsync(endpoint + "/v3/election/campaign", JsonContent.Create(body), ct).ConfigureAwait(false);
            await AnswerAsync(endpoint, response, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(endpoint, e);
        }
    }

    public async Task<IReadOnlyList<StoreMember>> MembersAsync(CancellationToken ct)
    {
        JsonObject answer = await CallAsync("/v3/cluster/member/list", new JsonObject(), ct).ConfigureAwait(false);
        return [.. Members(answer["members"])];
    }

    public async Task<ulong> AddMemberAsync(string peerUrl, bool learner, CancellationToken ct)
    {
        JsonObject answer = await CallAsync("/v3/cluster/member/add", new JsonObject { ["peerURLs"] = new JsonArray(peerUrl), ["isLearner"] = learner }, ct).ConfigureAwait(false);
        return ULong(answer["member"]?["ID"]);
    }

    public async Task RemoveMemberAsync(ulong id, CancellationToken ct) =>
        await CallAsync("/v3/cluster/member/remove", new JsonObject { ["ID"] = id.ToString(CultureInfo.InvariantCulture) }, ct).ConfigureAwait(false);

    public async Task PromoteMemberAsync(ulong id, CancellationToken ct) =>
        await CallAsync("/v3/cluster/member/promote", new JsonObject { ["ID"] = id.ToString(CultureInfo.InvariantCulture) }, ct).ConfigureAwait(false);

    public async Task<StoreStatus> StatusAsync(CancellationToken ct)
    {
        JsonObject answer = await CallAsync("/v3/maintenance/status", new JsonObject(), ct).ConfigureAwait(false);
        return new StoreStatus(ULong(answer["header"]?["member_id"]), ULong(answer["leader"]), _endpoints[_current]);
    }

    public void Dispose()
    {
        _http.Dispose();
        _streams.Dispose();
    }

    /// <summary>The key just past every key that starts with <paramref name="prefix"/> (its last byte + 1).</summary>
    public static string RangeEnd(string prefix)
    {
        byte[] end = Encoding.UTF8.GetBytes(prefix);
        end[^1]++;
        return Convert.ToBase64String(end);
    }

    private async Task<JsonObject> CallAsync(string path, JsonObject body, CancellationToken ct)
    {
        ClusterStoreException? failure = null;
        for (int tried = 0; tried < _endpoints.Count; tried++)
        {
            // This host's own member first, always: the others only while it does not answer.
            int index = tried;
            string endpoint = _endpoints[index];
            try
            {
                using HttpResponseMessage response = await _http.PostAsync(endpoint + path, JsonContent.Create(body), ct).ConfigureAwait(false);
                JsonObject answer = await AnswerAsync(endpoint, response, ct).ConfigureAwait(false);
                _current = index;
                return answer;
            }
            catch (HttpRequestException e)
            {
                failure ??= Unreachable(endpoint, e);
            }
            catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
            {
                // The first failure is told: this host's own member's, which says most (a lost quorum rather than the others' refusals).
                failure ??= new ClusterStoreException(QuorumLost(endpoint, $"it did not answer within {RequestTimeout.TotalSeconds:0} s"), e);
            }
            catch (ClusterStoreException e) when (e.Message.Contains("learner", StringComparison.Ordinal))
            {
                // A non-voting member serves no linearizable request: ask the next.
                failure ??= e;
            }
        }

        throw failure!;
    }

    private static async Task<JsonObject> AnswerAsync(string endpoint, HttpResponseMessage response, CancellationToken ct)
    {
        string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);

        // Streaming RPCs answer newline-separated objects; the first is the answer.
        string first = text.Split('\n', 2)[0];
        JsonObject? answer = null;
        try
        {
            answer = JsonNode.Parse(first) as JsonObject;
        }
        catch (JsonException)
        {
        }

        // Unary calls answer "error" as text; a streaming one (lease keep-alive) as an object, e.g. a learner's refusal.
        string? error = (answer?["error"] is JsonValue v ? (string?)v : null) ?? (answer?["error"] is JsonObject e ? (string?)e["message"] : null) ?? (string?)answer?["message"];
        if (error is not null && NoQuorum.Any(e => error.Contains(e, StringComparison.Ordinal)))
        {
            throw new ClusterStoreException(QuorumLost(endpoint, $"it says: {error}"));
        }

        if (!response.IsSuccessStatusCode || error is not null || answer is null)
        {
            throw new ClusterStoreException($"etcd at {endpoint} refused: {error ?? $"{(int)response.StatusCode} {response.ReasonPhrase}"}");
        }

        return answer;
    }

    private static string QuorumLost(string endpoint, string how) =>
        $"etcd at {endpoint} cannot commit a change ({how}): the cluster may have lost its quorum (a majority of its etcd members down or cut off); changes are refused until it is back; VMs keep running";

    private static ClusterStoreException Unreachable(string endpoint, Exception e) =>
        new($"cannot reach etcd at {endpoint}: {e.InnerException?.Message ?? e.Message}; is the cluster's etcd running there (hospesd starts it; its log is <state>/cluster/etcd.log) and the port open?", e);

    private static IEnumerable<StoreEntry> Entries(JsonObject answer) =>
        answer["kvs"] is JsonArray kvs
            ? kvs.Select(kv => new StoreEntry(Text(kv!["key"]), Text(kv["value"]), Long(kv["create_revision"]), Long(kv["mod_revision"]), Long(kv["lease"])))
            : [];

    private static IEnumerable<StoreMember> Members(JsonNode? members) =>
        members is JsonArray list
            ? list.Select(m => new StoreMember(
                ULong(m!["ID"]),
                (string?)m["name"] ?? "",
                Strings(m["peerURLs"]),
                Strings(m["clientURLs"]),
                m["isLearner"]?.GetValue<bool>() == true))
            : [];

    private static string[] Strings(JsonNode? node) => node is JsonArray a ? [.. a.Select(x => (string?)x ?? "")] : [];

    private static JsonObject Put(StorePut put)
    {
        var o = new JsonObject { ["key"] = B64(put.Key), ["value"] = B64(put.Value) };
        if (put.Lease != 0)
        {
            o["lease"] = put.Lease.ToString(CultureInfo.InvariantCulture);
        }

        return o;
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Text(JsonNode? node) => node is null ? "" : Encoding.UTF8.GetString(Convert.FromBase64String((string)node!));

    private static long Long(JsonNode? node) => node is null ? 0 : node.GetValueKind() == JsonValueKind.String
        ? long.Parse((string)node!, CultureInfo.InvariantCulture)
        : node.GetValue<long>();

    private static ulong ULong(JsonNode? node) => node is null ? 0 : node.GetValueKind() == JsonValueKind.String
        ? ulong.Parse((string)node!, CultureInfo.InvariantCulture)
        : node.GetValue<ulong>();

    private static SocketsHttpHandler Handler(X509Certificate2? ca, X509Certificate2? client) => new()
    {
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(3),
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = client is null ? null : [client],
            RemoteCertificateValidationCallback = ca is null
                ? (_, _, _, errors) => errors == SslPolicyErrors.None
                : (_, cert, _, _) => cert is X509Certificate2 server && ClusterCa.Verifies(ca, server),
        },
    };
}
