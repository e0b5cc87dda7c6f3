package org.sipcity.registrar.jpa;

class PostgreSqlSubscriberStoreTest extends SubscriberStoreContract {

    @Override
    protected TestDatabase database() {
        return TestDatabase.POSTGRESQL;
    }
}
