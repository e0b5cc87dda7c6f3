package org.sipcity.registrar.jpa;

class MariaDbSubscriberStoreTest extends SubscriberStoreContract {

    @Override
    protected TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}
