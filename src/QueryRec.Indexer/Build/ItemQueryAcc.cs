namespace QueryRec.Indexer.Build;

/// <summary>Interactions of one (item, query) pair.</summary>
internal struct ItemQueryAcc
{
    public int Clicks;
    public int Carts;
    public int Orders;
}
