namespace Hospes.Host.Cluster.Store;

/// <summary>The store cannot be reached or refused; the message names etcd, its URL and what to do.</summary>
internal sealed class ClusterStoreException(string message, Exception? inner = null) : Exception(message, inner);
