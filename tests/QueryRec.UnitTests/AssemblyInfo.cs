namespace QueryRec.UnitTests;
